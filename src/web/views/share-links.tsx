/** Plain share links: no third-party script is loaded, the visitor's click goes straight to the service. */
export function ShareLinks({ url, title, embed = false }: { url: string; title: string; embed?: boolean }) {
  const u = encodeURIComponent(url);
  const t = encodeURIComponent(title);
  return (
    <section aria-labelledby="share-heading" class="share">
      <h2 id="share-heading">Ask others to join you</h2>
      <ul>
        <li>
          <a href={`mailto:?subject=${t}&body=${u}`}>Email</a>
        </li>
        <li>
          <a href={`https://wa.me/?text=${t}%20${u}`}>WhatsApp</a>
        </li>
        <li>
          <a href={`https://bsky.app/intent/compose?text=${t}%20${u}`}>Bluesky</a>
        </li>
        <li>
          <a href={`https://www.facebook.com/sharer/sharer.php?u=${u}`}>Facebook</a>
        </li>
      </ul>
      <p>
        <label for="share-url">Or copy the address</label>
        <input id="share-url" type="text" readOnly value={url} />
      </p>
      {embed && (
        <details>
          <summary>Put it on your website</summary>
          <p>
            <label for="embed-code">Copy this into your page: a small box with the count and a link to sign.</label>
            <textarea id="embed-code" readOnly rows={4}>{`<iframe src="${url}/embed" title="${title.replaceAll('"', '&quot;')}" width="320" height="230" loading="lazy" style="border:0"></iframe>`}</textarea>
          </p>
        </details>
      )}
    </section>
  );
}
