// nestingDepth (gateway/use-limits.ts): {[( depth outside strings, block strings and comments; stops past the limit.
import { describe, expect, it } from 'vitest';
import { nestingDepth } from '../../src/gateway/use-limits.js';

describe('nestingDepth', () => {
  it('counts braces, brackets and parentheses together', () => {
    expect(nestingDepth('{ a(x: [[1]]) { b } }', 64)).toBe(4);
    expect(nestingDepth('{ a } { b } { c }', 64)).toBe(1);
    expect(nestingDepth('', 64)).toBe(0);
  });

  it('skips strings, including escaped quotes and backslashes', () => {
    expect(nestingDepth('{ a(s: "{{{[") }', 64)).toBe(2);
    expect(nestingDepth('{ a(s: "\\"{{") }', 64)).toBe(2);
    expect(nestingDepth('{ a(s: "x\\\\") { b { c } } }', 64)).toBe(3);
  });

  it('skips block strings and comments (to the end of the line, \\n or \\r)', () => {
    expect(nestingDepth('{ a(s: """ {{{ \n [[[ """) }', 64)).toBe(2);
    expect(nestingDepth('# {{{{\n{a}', 64)).toBe(1);
    expect(nestingDepth('# {{{{\r{a}', 64)).toBe(1);
    expect(nestingDepth('{a} # [[[[', 64)).toBe(1);
  });

  it('an unterminated string or block string hides the rest of the document', () => {
    expect(nestingDepth('{ a(s: "[[[', 64)).toBe(2);
    expect(nestingDepth('{ a(s: """ [[[', 64)).toBe(2);
  });

  it('stops counting at limit + 1', () => {
    expect(nestingDepth('['.repeat(1_000), 3)).toBe(4);
    expect(nestingDepth('['.repeat(64) + ']'.repeat(64), 64)).toBe(64);
    expect(nestingDepth(`{ f(b: ${'['.repeat(100)}${']'.repeat(100)}) }`, 64)).toBe(65);
  });

  // An escaped \""" inside a block string does not end it; otherwise the real closing """ would
  // be taken as an opening one and the nesting after it would go unseen.
  it('sees nesting after a block string holding an escaped \\"""', () => {
    const doc = `{ f(a: """\\""" """, b: ${'['.repeat(100)}${']'.repeat(100)}) }`;
    expect(nestingDepth(doc, 64)).toBe(65);
  });
});
