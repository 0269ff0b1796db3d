// Abuse limits for arbitrary documents. Each rejection happens before anything is sent upstream
// and carries a stable extensions.code (README "Error codes"):
// - graphql-armor: depth (fragments flattened), aliases, directives as validation rules; tokens
//   in the parser, so a huge document is refused while it is read;
// - complexity (Pothos plugin numbers: a connection's `first` multiplies its children), checked
//   per request because it depends on variables (Yoga caches validation by document);
// - production: no introspection, no "Did you mean …" suggestions;
// - a token bucket per API key (per client address when the gateway is open): 429 RATE_LIMITED
//   with Retry-After.
import { blockFieldSuggestionsPlugin } from '@escape.tech/graphql-armor-block-field-suggestions';
import { maxAliasesRule } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthRule } from '@escape.tech/graphql-armor-max-depth';
import { maxDirectivesRule } from '@escape.tech/graphql-armor-max-directives';
import { maxTokensPlugin } from '@escape.tech/graphql-armor-max-tokens';
import { createComplexityRule } from '@pothos/plugin-complexity';
import {
  GraphQLError,
  getNamedType,
  isIntrospectionType,
  validate,
  type ValidationContext,
  type ValidationRule,
} from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { LRUCache } from 'lru-cache';
import { stableJson } from '../lib/stable-json.js';
import { ErrorCode, requestError } from '../schema/error-codes.js';
import { stateOf } from './request-state.js';

export interface AbuseLimits {
  maxDepth: number;
  maxAliases: number;
  maxTokens: number;
  maxDirectives: number;
  /** Pothos complexity: roughly the number of fields × rows the operation may return. */
  maxComplexity: number;
  /** Request body cap in bytes (Yoga answers 413 REQUEST_ENTITY_TOO_LARGE). */
  maxBodyBytes: number;
}

export const DEFAULT_LIMITS: AbuseLimits = {
  maxDepth: 12,
  maxAliases: 15,
  maxTokens: 2_000,
  maxDirectives: 20,
  maxComplexity: 50_000,
  maxBodyBytes: 256 * 1024,
};

function coded(code: ErrorCode, message: string): GraphQLError {
  return requestError(code, message.replace(/^Syntax Error: /, ''), 400);
}

/** An armor rejection handler: report the error with our code instead of armor's uncoded one. */
const reportAs = (code: ErrorCode) => (context: ValidationContext | null, error: GraphQLError) => {
  context?.reportError(coded(code, error.message));
};

/** How deep `{`, `[` and `(` nest in a document, outside strings and comments; stops counting
 * past `limit`. graphql-js parses nested values recursively, so a list literal 2,500 deep
 * overflows the stack before the token limit is reached: this bounds it first, in one pass. */
export function nestingDepth(source: string, limit: number): number {
  let depth = 0;
  let max = 0;
  for (let i = 0; i < source.length; i++) {
    const c = source[i];
    if (c === '#') {
      while (i < source.length && source[i] !== '\n' && source[i] !== '\r') i++;
    } else if (c === '"') {
      if (source.startsWith('"""', i)) {
        // A block string ends at the first """ that is not the escape \""" (as the lexer reads it).
        let j = i + 3;
        while (j < source.length && !source.startsWith('"""', j)) j += source.startsWith('\\"""', j) ? 4 : 1;
        i = j >= source.length ? source.length : j + 2;
      } else {
        for (i++; i < source.length && source[i] !== '"' && source[i] !== '\n'; i++) if (source[i] === '\\') i++;
      }
    } else if (c === '{' || c === '[' || c === '(') {
      depth++;
      if (depth > max) {
        max = depth;
        if (max > limit) return max;
      }
    } else if (c === '}' || c === ']' || c === ')') {
      depth--;
    }
  }
  return max;
}

/** Nesting allowed in a document: the depth limit's fields, plus arguments, objects and lists. */
const MAX_NESTING = 64;

export function useArmor(limits: AbuseLimits): Plugin {
  const common = { propagateOnRejection: false, exposeLimits: true } as const;
  const rules: ValidationRule[] = [
    maxDepthRule({
      ...common,
      n: limits.maxDepth,
      flattenFragments: true,
      onReject: [reportAs(ErrorCode.QUERY_TOO_DEEP)],
    }),
    maxAliasesRule({ ...common, n: limits.maxAliases, onReject: [reportAs(ErrorCode.TOO_MANY_ALIASES)] }),
    maxDirectivesRule({ ...common, n: limits.maxDirectives, onReject: [reportAs(ErrorCode.TOO_MANY_DIRECTIVES)] }),
  ];
  const tokens = maxTokensPlugin({
    n: limits.maxTokens,
    exposeLimits: true,
    // Thrown from inside the lexer: parsing stops at the limit.
    onReject: [
      (_ctx, error) => {
        throw coded(ErrorCode.TOO_MANY_TOKENS, error.message);
      },
    ],
  });
  return {
    onParse(payload) {
      const source = payload.params.source;
      const text = typeof source === 'string' ? source : source.body;
      if (nestingDepth(text, MAX_NESTING) > MAX_NESTING) {
        // Failed as the parser fails (like the token limit), so the HTTP status follows the same
        // GraphQL-over-HTTP rule as every other document error.
        payload.setParseFn(() => {
          throw coded(
            ErrorCode.QUERY_TOO_DEEP,
            `the document nests deeper than ${MAX_NESTING} levels of braces, brackets and parentheses`,
          );
        });
        return;
      }
      return tokens.onParse?.(payload);
    },
    onValidate({ addValidationRule }) {
      for (const rule of rules) addValidationRule(rule);
    },
  };
}

/** Complexity of the operation about to run, against the limit; checked in execute because the
 * variables (`first: $n`) change it and Yoga caches validation per document. */
export function useComplexityLimit(maxComplexity: number): Plugin {
  const check = (args: {
    schema: import('graphql').GraphQLSchema;
    document: import('graphql').DocumentNode;
    variableValues?: unknown;
    operationName?: string | null;
    contextValue: unknown;
  }) => {
    const errors = validate(args.schema, args.document, [
      createComplexityRule({
        variableValues: (args.variableValues ?? {}) as Record<string, unknown>,
        operationName: args.operationName ?? undefined,
        context: args.contextValue as object,
        validate: (state, report) => {
          if (state.complexity > maxComplexity) {
            report(
              requestError(
                ErrorCode.QUERY_TOO_COMPLEX,
                `Query complexity ${state.complexity} exceeds the limit of ${maxComplexity}: ask for fewer rows (\`first\`) or fewer fields.`,
                400,
              ),
            );
          }
        },
      }),
    ]);
    // Only our verdict: invalid variables are left to execution, which reports them with its codes.
    const tooComplex = errors.filter((e) => e.extensions?.code === ErrorCode.QUERY_TOO_COMPLEX);
    return tooComplex.length ? tooComplex : undefined;
  };
  // The verdict depends on the document and the variables only: remember it, so a repeated
  // operation (the common case) costs a lookup instead of a validation pass. Yoga's parse cache
  // hands out the same DocumentNode for the same text, hence the WeakMap.
  const verdicts = new WeakMap<object, LRUCache<string, { errors: ReturnType<typeof check> }>>();
  const cachedCheck = (args: Parameters<typeof check>[0]) => {
    let byVariables = verdicts.get(args.document);
    if (!byVariables) {
      byVariables = new LRUCache({ max: 500 });
      verdicts.set(args.document, byVariables);
    }
    const key = `${args.operationName ?? ''}\u0000${stableJson(args.variableValues ?? {})}`;
    let verdict = byVariables.get(key);
    if (!verdict) {
      verdict = { errors: check(args) };
      byVariables.set(key, verdict);
    }
    return verdict.errors;
  };
  return {
    onExecute({ args, setResultAndStopExecution }) {
      const errors = cachedCheck(args);
      if (errors) setResultAndStopExecution({ errors });
    },
    onSubscribe({ args, setResultAndStopExecution }) {
      const errors = cachedCheck(args);
      if (errors) setResultAndStopExecution({ errors });
    },
  };
}

/** Refuses `__schema` / `__type` (not `__typename`) with INTROSPECTION_DISABLED. */
const noIntrospection: ValidationRule = (context) => ({
  Field(node) {
    // Only the entry points: the fields below them would repeat the same error.
    const type = getNamedType(context.getType());
    if ((node.name.value === '__schema' || node.name.value === '__type') && type && isIntrospectionType(type)) {
      context.reportError(
        new GraphQLError(`Introspection is disabled (field "${node.name.value}"); use the published schema.graphql.`, {
          nodes: node,
          extensions: { code: ErrorCode.INTROSPECTION_DISABLED },
        }),
      );
    }
  },
});

/** Production hardening: no introspection, no field suggestions in validation messages. */
export function useProductionHardening(options: { introspection: boolean; suggestions: boolean }): Plugin[] {
  const plugins: Plugin[] = [];
  if (!options.introspection)
    plugins.push({ onValidate: ({ addValidationRule }) => addValidationRule(noIntrospection) });
  if (!options.suggestions) plugins.push(blockFieldSuggestionsPlugin() as Plugin);
  return plugins;
}

export interface RateLimit {
  /** Sustained requests per second per caller. */
  perSecond: number;
  /** Requests a caller may send at once. */
  burst: number;
}

/** Token buckets per caller, bounded in number (the least recently seen callers are dropped). */
export class CallerRateLimiter {
  private readonly buckets = new LRUCache<string, { tokens: number; at: number }>({ max: 10_000 });

  constructor(
    private readonly limit: RateLimit,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** Takes one token; returns 0 when allowed, else the seconds until a token is back. */
  take(key: string): number {
    const now = this.now();
    const bucket = this.buckets.get(key) ?? { tokens: this.limit.burst, at: now };
    bucket.tokens = Math.min(this.limit.burst, bucket.tokens + ((now - bucket.at) / 1000) * this.limit.perSecond);
    bucket.at = now;
    this.buckets.set(key, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return 0;
    }
    return Math.max(1, Math.ceil((1 - bucket.tokens) / this.limit.perSecond));
  }
}

/** Runs after auth: the caller's bucket is known (key name, or client address when open). */
export function useRateLimit(limit: RateLimit): Plugin {
  const limiter = new CallerRateLimiter(limit);
  return {
    onRequestParse({ request }) {
      const caller = stateOf(request).caller;
      if (!caller) return;
      const retryAfter = limiter.take(caller.bucket);
      if (retryAfter > 0) {
        throw requestError(ErrorCode.RATE_LIMITED, `Too many requests; retry in ${retryAfter} s.`, 429, {
          'Retry-After': String(retryAfter),
        });
      }
    },
  };
}
