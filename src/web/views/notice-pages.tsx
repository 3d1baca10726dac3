import type { Petition } from '../../store/records.ts';
import { MessagePage } from './simple-pages.tsx';

/** After starting a petition: only the kind travels in the address, so no one can word our page. */
export function StartSentPage({ noun }: { noun: 'petition' | 'pledge' }) {
  return (
    <MessagePage title="Check your email">
      <p>We have emailed you a link to confirm your {noun}. It goes live once you follow it (the link works for 24 hours).</p>
    </MessagePage>
  );
}

export function ReportSentPage({ petition }: { petition: Pick<Petition, 'title' | 'slug' | 'kind'> }) {
  return (
    <MessagePage title="Thank you for your report">
      <p>A moderator will look at “{petition.title}”. If it breaks our rules, it will be taken down.</p>
      <p>
        <a href={`/petitions/${petition.slug}`}>Back to the {petition.kind}</a>
      </p>
    </MessagePage>
  );
}

/** A signer's secret link that finds nothing. */
export function YourSignatureNotFoundPage() {
  return (
    <MessagePage title="This link does not work">
      <p>Check that you copied the whole link from the email. If you removed your signature, or the petition closed long ago, there is nothing left to show.</p>
    </MessagePage>
  );
}

export function SignatureRemovedPage({ slug }: { slug: string | undefined }) {
  return (
    <MessagePage title="Your signature is removed">
      <p>We have deleted it and everything we kept with it.</p>
      {slug && (
        <p>
          <a href={`/petitions/${slug}`}>Back to the petition</a>
        </p>
      )}
    </MessagePage>
  );
}

/** The unsubscribe link's page: a button, because link scanners follow links and must not unsubscribe anyone. */
export function UnsubscribePage({ action }: { action: string }) {
  return (
    <MessagePage title="Stop update emails?">
      <p>You will get no more updates about this petition. Your signature still counts.</p>
      <form method="post" action={action}>
        <button class="button" type="submit">
          Stop the emails
        </button>
      </form>
    </MessagePage>
  );
}

/** A one-sentence notice under a heading. */
export function NoticePage({ title, text }: { title: string; text: string }) {
  return (
    <MessagePage title={title}>
      <p>{text}</p>
    </MessagePage>
  );
}
