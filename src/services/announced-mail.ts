import type { Store } from '../store/store.ts';

/** Who is told when work for the mail worker is committed (main.ts: the delivery worker and the update job). */
export interface MailListeners {
  /** Mail is in the outbox, committed: delivery may look for it now instead of on its next idle look. */
  mailQueued(): void;
  /** An update is committed: the job that turns it into outbox mail may run now. */
  updatePosted(): void;
}

interface Noticed {
  mail: boolean;
  update: boolean;
}

/**
 * The store, announcing what it queued for the mail worker, so no route or service has to remember
 * to (decision 0049). Outside a transaction a write commits by itself and is announced when it
 * returns; inside one, what it queued is announced only after the outermost transaction commits (a
 * worker woken earlier would find nothing, and a rolled-back transaction queued nothing). Other
 * processes' mail is found by the worker's once-a-second look, as before.
 */
export function announcingQueuedMail(store: Store, listeners: MailListeners): Store {
  return announcing(store, listeners, null);
}

function announcing(store: Store, listeners: MailListeners, inTransaction: Noticed | null): Store {
  const announce = (noticed: Noticed) => {
    if (noticed.mail) listeners.mailQueued();
    if (noticed.update) listeners.updatePosted();
  };
  const notice = (what: keyof Noticed) => {
    if (inTransaction) inTransaction[what] = true;
    else announce({ mail: what === 'mail', update: what === 'update' });
  };
  const overrides: Partial<Store> = {
    async enqueueMail(mails, now) {
      const queued = await store.enqueueMail(mails, now);
      if (queued.queued > 0) notice('mail');
      return queued;
    },
    // A signing batch queues each new signer's confirmation mail in its own commit.
    async commitSignatureBatch(batch) {
      const result = await store.commitSignatureBatch(batch);
      if (batch.signatures.some((s) => s.confirmationMail !== null)) notice('mail');
      return result;
    },
    async addUpdate(input) {
      const update = await store.addUpdate(input);
      notice('update');
      return update;
    },
    async transaction(work) {
      // A transaction inside one commits with the outermost, which announces for both.
      if (inTransaction) return store.transaction((tx) => work(announcing(tx, listeners, inTransaction)));
      const noticed: Noticed = { mail: false, update: false };
      const result = await store.transaction((tx) => work(announcing(tx, listeners, noticed)));
      announce(noticed);
      return result;
    },
  };
  // Everything else is the store's own, bound once (the store's methods read its fields through `this`).
  const bound = new Map<PropertyKey, unknown>();
  return new Proxy(store, {
    get(target, key) {
      if (Object.hasOwn(overrides, key)) return overrides[key as keyof Store];
      const value = Reflect.get(target, key, target);
      if (typeof value !== 'function') return value;
      let method = bound.get(key);
      if (!method) bound.set(key, (method = value.bind(target)));
      return method;
    },
    // A method replaced through the wrapper (a test's fault injection) is what the wrapper hands out
    // from then on; replacing it with what was read before restores the announcing one.
    set(target, key, value) {
      bound.delete(key);
      if (Object.hasOwn(overrides, key)) return Reflect.set(overrides, key, value);
      return Reflect.set(target, key, value);
    },
  });
}
