// A piece of serve's answers as the text it stands for, whether kept as is or compressed.
import zlib from 'node:zlib';
import { CompressedText, type TextPiece } from '../../../src/serve/compressed-text.js';

export const pieceText = (p: TextPiece): string => (p instanceof CompressedText ? zlib.gunzipSync(p.gzip).toString() : p.toString());
