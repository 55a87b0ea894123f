"""Runs a command on a pseudo-terminal, as a person at a terminal would, and
types ANSWER (bytes, e.g. \\x03 for Ctrl-C) once PROMPT appears. Prints what
the terminal showed, then exits with the command's exit code.

    python3 pty-answer.py PROMPT ANSWER [COLUMNS] -- COMMAND...

COLUMNS (default: the pty's own) sets the terminal's width, as a window would.
"""
import fcntl
import os
import pty
import select
import struct
import sys
import termios
import time

prompt, answer = sys.argv[1].encode(), sys.argv[2].encode().decode('unicode_escape').encode('latin-1')
command = sys.argv[sys.argv.index('--') + 1:]
columns = int(sys.argv[3]) if sys.argv.index('--') > 3 else None
pid, fd = pty.fork()
if pid == 0:
    if columns:
        fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack('HHHH', 50, columns, 0, 0))
    os.execvp(command[0], command)
seen = b''
answered = False
deadline = time.time() + 60
while time.time() < deadline:
    ready, _, _ = select.select([fd], [], [], 0.1)
    if ready:
        try:
            data = os.read(fd, 4096)
        except OSError:
            break
        if not data:
            break
        seen += data
    if not answered and prompt in seen:
        os.write(fd, answer)
        answered = True
_, status = os.waitpid(pid, 0)
sys.stdout.write(seen.decode(errors='replace'))
sys.exit(os.waitstatus_to_exitcode(status))
