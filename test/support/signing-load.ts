/** What one signer was answered, and when. */
export interface SignAnswer {
  email: string;
  status: number | 'no answer';
  /** The error code of a refusal (`error.code` in the JSON), null for a success or no answer. */
  code: string | null;
  retryAfter: string | null;
  at: number;
}

export const acknowledged = (a: Pick<SignAnswer, 'status'>): boolean => a.status === 201 || a.status === 202;

/**
 * Signers on `concurrency` connections to the server at `base` until stopped, each signing with a
 * new address (`<tag>-<n>@example.org`): what each was answered, and when. For fault tests, which
 * check what signers saw during the fault and that every acknowledged signature was stored.
 */
export function signers(base: string, slug: string, concurrency: number, tag = 'signer') {
  const answers: SignAnswer[] = [];
  let running = true;
  let n = 0;
  const worker = async () => {
    while (running) {
      const email = `${tag}-${n++}@example.org`;
      try {
        const res = await fetch(`${base}/api/v1/petitions/${slug}/signatures`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ name: 'Load Signer', email }),
        });
        const text = await res.text();
        let code: string | null = null;
        if (!res.ok) {
          try {
            code = (JSON.parse(text) as { error?: { code?: string } }).error?.code ?? null;
          } catch {
            code = null;
          }
        }
        answers.push({ email, status: res.status, code, retryAfter: res.headers.get('retry-after'), at: Date.now() });
      } catch {
        answers.push({ email, status: 'no answer', code: null, retryAfter: null, at: Date.now() });
        await new Promise((r) => setTimeout(r, 5));
      }
    }
  };
  const done = Promise.all(Array.from({ length: concurrency }, worker));
  return {
    answers,
    stop: async () => {
      running = false;
      await done;
    },
  };
}

/** Readers of `paths` (taken in turn) on `concurrency` connections until stopped: the statuses they were answered. */
export function readers(base: string, paths: string[], concurrency: number) {
  const statuses: Array<number | 'no answer'> = [];
  let running = true;
  const worker = async (i: number) => {
    while (running) {
      const path = paths[i % paths.length]!;
      try {
        const res = await fetch(`${base}${path}`, { redirect: 'manual' });
        await res.arrayBuffer();
        statuses.push(res.status);
      } catch {
        statuses.push('no answer');
      }
      await new Promise((r) => setTimeout(r, 10));
    }
  };
  const done = Promise.all(Array.from({ length: concurrency }, (_, i) => worker(i)));
  return {
    statuses,
    stop: async () => {
      running = false;
      await done;
    },
  };
}

/** Answers counted by status (and error code): `{"201": 812, "503 STORAGE_FULL": 97}`, for failure messages. */
export function summarise(answers: ReadonlyArray<Pick<SignAnswer, 'status' | 'code'>>): string {
  const counts = new Map<string, number>();
  for (const a of answers) {
    const key = a.code ? `${a.status} ${a.code}` : String(a.status);
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return JSON.stringify(Object.fromEntries([...counts].sort()));
}
