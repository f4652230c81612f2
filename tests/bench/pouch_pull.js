// tests/bench/pouch_pull.js: the reference pull, PouchDB's own replicator.
//
//   node tests/bench/pouch_pull.js URL/DB TARGET_DIR
//
// One-shot PouchDB.replicate(URL/DB, TARGET_DIR) with the options a user has
// by default (PouchDB 9.0.0, pinned in package.json here: batch_size 100,
// batches_limit 10, i.e. _changes pages of 100, _revs_diff and _bulk_get per
// page, checkpoints in _local docs), into a fresh local database in
// TARGET_DIR with the Node default adapter (leveldb). TARGET_DIR must not
// exist or be empty. Needs `npm ci` in tests/bench.
//
// Prints one JSON line:
//   {"docs": docs_written, "seconds": S, "peak_rss_mb": M, "max_rss_mb": K}
// S is the replication alone; M the largest process.memoryUsage().rss seen,
// sampled every 50 ms; K the kernel's peak RSS of this process (getrusage,
// what the caller would get from wait4). Exits 1 if the replication fails or
// docs_written differs from the endpoint's doc_count (read from URL/DB).

'use strict';

const fs = require('fs');
const path = require('path');
const PouchDB = require(path.join(__dirname, 'node_modules', 'pouchdb'));

function die(msg) {
  process.stderr.write(`pouch_pull: ${msg}\n`);
  process.exit(1);
}

async function main() {
  const [url, target] = process.argv.slice(2);
  if (!url || !target || process.argv.length > 4) {
    process.stderr.write('usage: node pouch_pull.js URL/DB TARGET_DIR\n');
    process.exit(2);
  }
  if (fs.existsSync(target) && fs.readdirSync(target).length > 0) {
    die(`${target} is not empty: give a fresh directory`);
  }

  let peak = 0;
  const sample = () => { peak = Math.max(peak, process.memoryUsage().rss); };
  sample();
  const timer = setInterval(sample, 50);

  const remote = new PouchDB(url.replace(/\/+$/, ''));
  const local = new PouchDB(path.resolve(target));
  const t0 = process.hrtime.bigint();
  const info = await PouchDB.replicate(remote, local);
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  sample();
  clearInterval(timer);

  const remoteInfo = await remote.info();
  const localInfo = await local.info();
  await local.close();
  await remote.close();

  const mb = (bytes) => Math.round(bytes / 1048576 * 10) / 10;
  process.stdout.write(JSON.stringify({
    docs: info.docs_written,
    seconds: Math.round(seconds * 1000) / 1000,
    peak_rss_mb: mb(peak),
    max_rss_mb: mb(process.resourceUsage().maxRSS * 1024),
  }) + '\n');

  if (info.status !== 'complete' || info.doc_write_failures) {
    die(`replication ended ${info.status} with ${info.doc_write_failures} write failures`);
  }
  if (info.docs_written !== remoteInfo.doc_count || localInfo.doc_count !== remoteInfo.doc_count) {
    die(`wrote ${info.docs_written} docs (local doc_count ${localInfo.doc_count}) ` +
        `but the endpoint has doc_count ${remoteInfo.doc_count}`);
  }
}

main().catch((err) => die(err && (err.stack || err.message) || String(err)));
