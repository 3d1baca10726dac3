import type { MailBacklog } from '../../store/outbox-queries.ts';
import type { MailDropReason, MailLane } from '../../domain/outbox.ts';
import { AdminPage, type StaffView } from './admin-layout.tsx';
import { When } from './when.tsx';

const LANE_LABELS: Record<MailLane, string> = {
  priority: 'Priority: confirmations, sign-in links, decisions',
  bulk: 'Bulk: updates to signers',
};

const DROP_LABELS: Record<MailDropReason, string> = {
  refused: 'refused by the receiving server',
  attempts: 'given up after ten tries',
};

const RELAY_LABELS: Record<string, string> = {
  up: 'taking mail',
  paused: 'not taking mail: delivery is paused and will try again',
  probing: 'being tried again with one message',
};

/** Minutes or seconds a mail has waited, in words. */
const waited = (since: Date, now: Date): string => {
  const s = Math.max(0, Math.round((now.getTime() - since.getTime()) / 1000));
  return s < 120 ? `${s} s` : `${Math.round(s / 60)} min`;
};

/** The outbox as an operator needs it: what waits in each lane, the oldest, what became of recent mail. */
export function AdminMailPage({ backlog, now, relay, ...view }: StaffView & { backlog: MailBacklog; now: Date; relay: string | null }) {
  return (
    <AdminPage title="Mail queue" {...view}>
      <table class="admin-table">
        <caption>Mail waiting to be sent, by lane</caption>
        <thead>
          <tr>
            <th scope="col">Lane</th>
            <th scope="col">Waiting</th>
            <th scope="col">Due now</th>
            <th scope="col">Oldest waiting</th>
          </tr>
        </thead>
        <tbody>
          {backlog.lanes.map((l) => (
            <tr>
              <th scope="row">{LANE_LABELS[l.lane]}</th>
              <td>{l.waiting}</td>
              <td>{l.due}</td>
              <td>
                {l.oldestCreatedAt ? (
                  <>
                    <When at={l.oldestCreatedAt} /> ({waited(l.oldestCreatedAt, now)})
                  </>
                ) : (
                  'none'
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <p>Sent in the last hour: {backlog.sentLastHour}.</p>
      {backlog.droppedLastDay.length === 0 ? (
        <p>No mail was given up in the last day.</p>
      ) : (
        <ul>
          {backlog.droppedLastDay.map((d) => (
            <li>
              Given up in the last day, {DROP_LABELS[d.reason]}: {d.mails}
            </li>
          ))}
        </ul>
      )}
      {relay && <p>This server’s mail relay is {RELAY_LABELS[relay] ?? relay}.</p>}
    </AdminPage>
  );
}
