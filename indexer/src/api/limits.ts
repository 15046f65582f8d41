// GraphQL limits. Depth, aliases and tokens are enforced by Ponder's graphql() middleware
// (graphql-armor plugins); Ponder caps page size only at 1000, so a small middleware rejects
// any `limit` argument above MAX_PAGE_SIZE before the query reaches Ponder.
import { Kind, parse, visit } from 'graphql';
import type { ValueNode } from 'graphql';
import { createMiddleware } from 'hono/factory';

export const GRAPHQL_LIMITS = {
  maxOperationDepth: 8,
  maxOperationAliases: 10,
  maxOperationTokens: 1000,
} as const;

export const MAX_PAGE_SIZE = 100;

type GraphQLBody = { query?: unknown; variables?: unknown };

function limitValue(node: ValueNode, variables: Record<string, unknown>): unknown {
  if (node.kind === Kind.INT) return Number(node.value);
  if (node.kind === Kind.VARIABLE) return variables[node.name.value];
  return undefined;
}

/** The first `limit` argument above the maximum, or null. Unparsable queries are left to Ponder. */
export function findOversizedLimit(query: string, variables: Record<string, unknown>, max: number): number | null {
  let document;
  try {
    document = parse(query, { maxTokens: GRAPHQL_LIMITS.maxOperationTokens * 2 });
  } catch {
    return null;
  }
  let found: number | null = null;
  visit(document, {
    Argument(node) {
      if (found !== null || node.name.value !== 'limit') return;
      const value = limitValue(node.value, variables);
      if (typeof value === 'number' && value > max) found = value;
    },
  });
  return found;
}

function pageSizeError(limit: number): Response {
  return Response.json(
    {
      errors: [
        {
          message: `Page size limit exceeded: limit ${limit} is above the maximum of ${MAX_PAGE_SIZE}. Page with "after" instead.`,
          extensions: { code: 'PAGE_SIZE_LIMIT', maxPageSize: MAX_PAGE_SIZE },
        },
      ],
    },
    { status: 200 },
  );
}

/** Rejects POSTed operations whose `limit` argument (literal or variable) exceeds MAX_PAGE_SIZE. */
export const maxPageSize = createMiddleware(async (c, next) => {
  if (c.req.method !== 'POST') return next();
  let body: unknown;
  try {
    body = await c.req.raw.clone().json();
  } catch {
    return next();
  }
  for (const operation of Array.isArray(body) ? body : [body]) {
    const { query, variables } = (operation ?? {}) as GraphQLBody;
    if (typeof query !== 'string') continue;
    const vars = variables && typeof variables === 'object' ? (variables as Record<string, unknown>) : {};
    const limit = findOversizedLimit(query, vars, MAX_PAGE_SIZE);
    if (limit !== null) return pageSizeError(limit);
  }
  return next();
});

/** GraphiQL (GET /graphql) is served unless NODE_ENV=production or NECTO_GRAPHIQL=false. */
export function graphiqlEnabled(): boolean {
  const flag = process.env.NECTO_GRAPHIQL;
  if (flag !== undefined && flag !== '') return flag !== 'false' && flag !== '0';
  return process.env.NODE_ENV !== 'production';
}

export const noGraphiqlInProduction = createMiddleware(async (c, next) => {
  if (c.req.method === 'GET' && !graphiqlEnabled()) {
    return c.json({ errors: [{ message: 'GraphiQL is disabled; POST GraphQL queries to /graphql' }] }, 404);
  }
  return next();
});
