import { parseArgs } from 'node:util';
import { ConfigError, loadConfig, loadDotEnv } from './config.ts';
import { openConfiguredStore, startServer } from './main.ts';
import { stopOnSignals } from './shutdown.ts';
import { createAdmin, createModerator, createToken } from './services/accounts.ts';
import { reconcileCounts } from './jobs/reconcile-counts.ts';

const USAGE = `Usage:
  undersign serve [--workers N]                 start the web server (migrations run first); N processes on PostgreSQL
  undersign migrate                             apply migrations and exit
  undersign create-admin --email E              create an administrator (password on standard input)
  undersign create-moderator --email E          create a moderator: review queue and reports (password on standard input)
  undersign create-token --email E --name N     print a new API token for that user
  undersign reconcile-counts                    recount every public petition from its signatures, repair drift, print repairs (also runs every 15 minutes in serve)`;

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
}

async function main(argv: string[]): Promise<number> {
  loadDotEnv();
  const [command, ...rest] = argv;
  const { values } = parseArgs({ args: rest, options: { email: { type: 'string' }, name: { type: 'string' }, workers: { type: 'string' } }, allowPositionals: false });
  const config = loadConfig();
  switch (command) {
    case 'serve': {
      if (values.workers !== undefined) {
        const workers = Number(values.workers);
        if (!Number.isInteger(workers) || workers < 1 || workers > 64) throw new Error('--workers must be a whole number from 1 to 64');
        await (await import('./cluster.ts')).serveCluster(config, workers);
        return -1;
      }
      const running = await startServer(config);
      running.app.log.info(`Undersign is listening on ${running.address} (${running.store.engine})`);
      stopOnSignals(running, config.shutdownTimeoutMs, running.app.log);
      return -1;
    }
    case 'migrate': {
      const store = await openConfiguredStore(config);
      await store.close();
      console.log(`Migrations applied (${store.engine}).`);
      return 0;
    }
    case 'create-admin': {
      if (!values.email) throw new Error('--email is required');
      const password = await readStdin();
      const store = await openConfiguredStore(config);
      try {
        const user = await createAdmin(store, values.email, password, new Date());
        console.log(`Administrator ${user.email} is ready.`);
      } finally {
        await store.close();
      }
      return 0;
    }
    case 'create-moderator': {
      if (!values.email) throw new Error('--email is required');
      const password = await readStdin();
      const store = await openConfiguredStore(config);
      try {
        const user = await createModerator(store, values.email, password, new Date());
        console.log(`Moderator ${user.email} is ready: they sign in at ${config.baseUrl}/admin.`);
      } finally {
        await store.close();
      }
      return 0;
    }
    case 'create-token': {
      if (!values.email || !values.name) throw new Error('--email and --name are required');
      const store = await openConfiguredStore(config);
      try {
        console.log(await createToken(store, values.email, values.name, new Date()));
      } finally {
        await store.close();
      }
      return 0;
    }
    case 'reconcile-counts': {
      const store = await openConfiguredStore(config);
      try {
        const repaired = await reconcileCounts({ store, logger: { warn: (o) => console.log(JSON.stringify(o)) } });
        console.log(`${repaired.length} petition count${repaired.length === 1 ? '' : 's'} repaired.`);
      } finally {
        await store.close();
      }
      return 0;
    }
    default:
      console.error(USAGE);
      return command === undefined || command === 'help' || command === '--help' ? 0 : 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code >= 0) process.exit(code);
  },
  (error: unknown) => {
    console.error(error instanceof ConfigError || error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
