// The DuckDB anchor of bench/w1.sh (issue 12): the W1 score of
// bench/rules/w1.score computed by DuckDB, end to end like `scorec run`:
// read the file, score every user, write CSV. Benchmark only.
//
//   node bench/duckdb/w1.mjs --input FILE --output OUT.csv [--threads N] [--format csv|ndjson] [--explain]
//   node bench/duckdb/w1.mjs --version      DuckDB's version
//
// Same semantics as scorec (docs/semantics.md): as_of = the latest event time in
// the file; each event contributes weight * 2^(-(as_of - ts) / 30d); one row per
// user with the sum. The weights must change together with bench/rules/w1.score.
// Prints "duckdb wall_s=S threads=N" on stderr.
import { DuckDBInstance } from '@duckdb/node-api';

const t0 = performance.now();

function parseArgs(argv) {
  const args = { threads: 1, format: '', explain: false };
  for (let i = 0; i < argv.length; ++i) {
    const a = argv[i];
    const value = () => {
      if (i + 1 >= argv.length) throw new Error(`${a} needs a value`);
      return argv[++i];
    };
    if (a === '--input') args.input = value();
    else if (a === '--output') args.output = value();
    else if (a === '--threads') args.threads = Number(value());
    else if (a === '--format') args.format = value();
    else if (a === '--explain') args.explain = true;
    else throw new Error(`unknown argument '${a}'`);
  }
  if (!args.input || !args.output) throw new Error('--input and --output are required');
  if (!Number.isInteger(args.threads) || args.threads < 1) throw new Error('--threads must be a positive integer');
  if (!args.format) args.format = /\.(ndjson|jsonl|json)(\.gz)?$/.test(args.input) ? 'ndjson' : 'csv';
  if (args.format !== 'csv' && args.format !== 'ndjson') throw new Error(`unknown format '${args.format}'`);
  return args;
}

// SQL string literal.
const lit = (s) => `'${s.replaceAll("'", "''")}'`;

// The events as (u, e, ts) with ts in epoch seconds (DOUBLE). Columns are given,
// not sniffed: scorec is told nothing either, but sniffing is not the work measured.
// Compression (.gz) is detected from the name.
function eventsSql(format, input) {
  if (format === 'csv') {
    return `SELECT "user" AS u, event AS e, CAST(ts AS DOUBLE) AS ts
            FROM read_csv(${lit(input)}, header = true, delim = ',', quote = '"',
                          columns = {'user': 'VARCHAR', 'event': 'VARCHAR', 'ts': 'BIGINT'})`;
  }
  // Segment messages: only track messages are events, as in scorec. The
  // ISO-8601 'Z' times are read as TIMESTAMPTZ.
  return `SELECT userId AS u, event AS e, epoch("timestamp") AS ts
          FROM read_json(${lit(input)}, format = 'newline_delimited',
                         columns = {'type': 'VARCHAR', 'userId': 'VARCHAR', 'event': 'VARCHAR', 'timestamp': 'TIMESTAMPTZ'})
          WHERE "type" = 'track'`;
}

// bench/rules/w1.score.
const WEIGHT = `CASE e
    WHEN 'email_open'  THEN 3.0
    WHEN 'email_click' THEN 5.0
    WHEN 'push_click'  THEN 4.0
    WHEN 'site_visit'  THEN 1.0
    WHEN 'page_view'   THEN 2.0
    WHEN 'unsubscribe' THEN -20.0
    WHEN 'purchase'    THEN 10.0
    WHEN 'app_open'    THEN 0.5
    ELSE 0.0 END`;
const HALF_LIFE_S = 30 * 86400;

function scoreSql(format, input) {
  return `WITH ev AS (${eventsSql(format, input)}),
               latest AS (SELECT max(ts) AS as_of FROM ev)
          SELECT u AS user_id,
                 sum(${WEIGHT} * pow(2.0, -(latest.as_of - ts) / ${HALF_LIFE_S}.0)) AS engagement_raw
          FROM ev, latest
          GROUP BY u`;
}

async function main() {
  if (process.argv[2] === '--version') {
    const conn = await (await DuckDBInstance.create(':memory:')).connect();
    console.log((await conn.runAndReadAll('SELECT version()')).getRows()[0][0]);
    return;
  }
  const args = parseArgs(process.argv.slice(2));
  const instance = await DuckDBInstance.create(':memory:', { threads: String(args.threads) });
  const conn = await instance.connect();
  await conn.run(`SET threads = ${args.threads}`);
  await conn.run('SET preserve_insertion_order = false');
  const query = scoreSql(args.format, args.input);
  if (args.explain) {
    const plan = await conn.runAndReadAll(`EXPLAIN ${query}`);
    for (const row of plan.getRows()) console.error(row.join('\n'));
  }
  await conn.run(`COPY (${query}) TO ${lit(args.output)} (FORMAT csv, HEADER true)`);
  conn.closeSync?.();
  const wall = (performance.now() - t0) / 1000;
  console.error(`duckdb wall_s=${wall.toFixed(3)} threads=${args.threads} format=${args.format}`);
}

main().catch((err) => {
  console.error(`w1.mjs: ${err.message}`);
  process.exit(1);
});
