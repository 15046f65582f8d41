// The indexer's HTTP API: GraphQL at /graphql with tight limits. Ponder itself serves /ready,
// /status, /health and /metrics.
import { db } from 'ponder:api';
import schema from 'ponder:schema';
import { Hono } from 'hono';
import { graphql } from 'ponder';
import { GRAPHQL_LIMITS, maxPageSize, noGraphiqlInProduction } from './limits.ts';

const app = new Hono();

app.use('/graphql', noGraphiqlInProduction);
app.use('/graphql', maxPageSize);
app.use('/graphql', graphql({ db, schema }, GRAPHQL_LIMITS));

export default app;
