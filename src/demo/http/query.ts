// Query parameters read the way the API server's conversion functions read them, in one place.
import { ApiError } from '../store';

/**
 * A boolean query parameter as the API server reads it (apimachinery's
 * Convert_Slice_string_To_bool): absent is false; `0` and `false` in any case are false; every
 * other value, the empty one included, is true. So `watch=True` (Python's client) and `watch=1`
 * watch, and `?follow` alone follows.
 */
export function boolParam(q: URLSearchParams, name: string): boolean {
  return optionalBoolParam(q, name) ?? false;
}

/** Like {@link boolParam}, but undefined when absent (the API server's `*bool` fields). */
export function optionalBoolParam(q: URLSearchParams, name: string): boolean | undefined {
  const v = q.get(name);
  if (v === null) return undefined;
  return !(v === '0' || v.toLowerCase() === 'false');
}

export function intParam(q: URLSearchParams, name: string): number | undefined {
  const v = q.get(name);
  if (v === null || v === '') return undefined;
  if (!/^-?\d+$/.test(v)) throw new ApiError(400, 'BadRequest', `${name}: Invalid value: "${v}": must be an integer`);
  return Number(v);
}

/** `dryRun` is a list whose only allowed value is `All`, as on the API server. */
export function dryRunParam(q: URLSearchParams): boolean {
  const values = q.getAll('dryRun');
  for (const v of values) {
    if (v !== 'All') throw new ApiError(400, 'BadRequest', `dryRun: Unsupported value: "${v}": supported values: "All"`);
  }
  return values.length > 0;
}

export function stringParam(q: URLSearchParams, name: string): string | undefined {
  return q.get(name) ?? undefined;
}
