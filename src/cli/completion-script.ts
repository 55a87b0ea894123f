// The scripts `completion SHELL` prints: each feeds the shell's words to
// `kubectl-sts-storage __complete` (complete.ts answers).

const PROGRAM = 'kubectl-sts-storage';

/** Scripts that feed the shell's words to `__complete`. */
export function completionScript(shell: string): string {
  switch (shell) {
    case 'bash':
      return `# kubectl-sts-storage bash completion: source <(kubectl-sts-storage completion bash)
_kubectl_sts_storage() {
  local out
  out=$(${PROGRAM} __complete "\${COMP_WORDS[@]:1:COMP_CWORD}" 2>/dev/null) || return
  COMPREPLY=( $(printf '%s\\n' "$out" | grep -v '^:') )
}
complete -F _kubectl_sts_storage ${PROGRAM} kubectl-sts_storage
`;
    case 'zsh':
      return `#compdef ${PROGRAM} kubectl-sts_storage
# kubectl-sts-storage zsh completion: source <(kubectl-sts-storage completion zsh)
_kubectl_sts_storage() {
  local -a out
  out=(\${(f)"$(${PROGRAM} __complete "\${(@)words[2,CURRENT]}" 2>/dev/null | grep -v '^:')"})
  compadd -- $out
}
compdef _kubectl_sts_storage ${PROGRAM} kubectl-sts_storage
`;
    case 'fish':
      return `# kubectl-sts-storage fish completion: kubectl-sts-storage completion fish | source
function __kubectl_sts_storage_complete
    set -l words (commandline -opc) (commandline -ct)
    ${PROGRAM} __complete $words[2..-1] 2>/dev/null | string match -v -r '^:'
end
complete -c ${PROGRAM} -f -a '(__kubectl_sts_storage_complete)'
complete -c kubectl-sts_storage -f -a '(__kubectl_sts_storage_complete)'
`;
    case 'powershell':
      return `# kubectl-sts-storage PowerShell completion: kubectl-sts-storage completion powershell | Out-String | Invoke-Expression
Register-ArgumentCompleter -Native -CommandName '${PROGRAM}', 'kubectl-sts_storage' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)
    $words = @($commandAst.CommandElements | Select-Object -Skip 1 | ForEach-Object { $_.ToString() })
    if ($wordToComplete -eq '') { $words += '' }
    & ${PROGRAM} __complete @words 2>$null | Where-Object { $_ -notmatch '^:' } | ForEach-Object {
        [System.Management.Automation.CompletionResult]::new($_, $_, 'ParameterValue', $_)
    }
}
`;
    default:
      throw new Error(`no completion for shell "${shell}"`);
  }
}
