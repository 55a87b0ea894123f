// kubectl's look for tables: no borders, two spaces between columns.
import type Table from 'cli-table3';

export const BORDERLESS: Partial<Record<keyof Table.TableConstructorOptions['chars'] & string, string>> = {
  top: '',
  'top-mid': '',
  'top-left': '',
  'top-right': '',
  bottom: '',
  'bottom-mid': '',
  'bottom-left': '',
  'bottom-right': '',
  left: '',
  'left-mid': '',
  mid: '',
  'mid-mid': '',
  right: '',
  'right-mid': '',
  middle: '  ',
};
