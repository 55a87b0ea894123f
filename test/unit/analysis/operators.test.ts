// The operators whose sets the tool recognises, by the group of the
// controlling resource's apiVersion and its kind.
import { describe, expect, it } from 'vitest';
import { knownOperator } from '../../../src/analysis/operators.js';

describe('knownOperator', () => {
  it('knows an operator by the group of its apiVersion and its kind, both', () => {
    expect(knownOperator('acid.zalan.do/v1', 'postgresql')?.operator).toBe('the Zalando postgres-operator');
    expect(knownOperator('acid.zalan.do/v1', 'OperatorConfiguration')).toBeUndefined();
    expect(knownOperator('example.com/v1', 'postgresql')).toBeUndefined();
    expect(knownOperator('v1', 'Pod')).toBeUndefined();
  });
});
