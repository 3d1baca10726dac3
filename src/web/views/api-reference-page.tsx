import { Layout } from './layout.tsx';

/** What the page reads of the generated OpenAPI document. */
export interface OpenApiDocument {
  openapi: string;
  info: { title: string; description: string };
  servers: Array<{ url: string }>;
  paths: Record<string, Record<string, unknown>>;
}

type Operation = { summary?: string; description?: string; security?: unknown[]; parameters?: Array<{ name: string; in: string; description?: string; required?: boolean }>; requestBody?: { content: Record<string, { schema: { $ref?: string } }> }; responses: Record<string, { description: string }> };

const schemaName = (ref?: string) => ref?.split('/').pop();

/** The OpenAPI document as a page people can read, built from the same object: they cannot drift apart. */
export function ApiReferencePage({ doc }: { doc: OpenApiDocument }) {
  const operations = Object.entries(doc.paths).flatMap(([path, methods]) => Object.entries(methods).map(([method, op]) => ({ path, method, op: op as Operation })));
  return (
    <Layout meta={{ title: 'API reference', description: doc.info.description }}>
      <h1>API reference</h1>
      <p class="lede">{doc.info.description}</p>
      <p>
        Base address: <code>{doc.servers[0]!.url}</code>. The machine-readable description is at <a href="/api/v1/openapi.json">/api/v1/openapi.json</a> (OpenAPI 3.1).
        Routes marked “token” need <code>Authorization: Bearer TOKEN</code>.
      </p>
      <nav aria-label="Operations">
        <ul>
          {operations.map(({ path, method, op }) => (
            <li>
              <a href={`#${method}-${path.replace(/[^a-z0-9]+/gi, '-')}`}>
                <code>
                  {method.toUpperCase()} {path}
                </code>
              </a>
              : {op.summary}
            </li>
          ))}
        </ul>
      </nav>
      {operations.map(({ path, method, op }) => (
        <section aria-labelledby={`${method}-${path.replace(/[^a-z0-9]+/gi, '-')}`}>
          <h2 id={`${method}-${path.replace(/[^a-z0-9]+/gi, '-')}`}>
            <code>
              {method.toUpperCase()} {path}
            </code>
            {op.security && op.security.length > 0 ? ' (token)' : ''}
          </h2>
          <p>{op.summary}</p>
          {op.description && <p>{op.description}</p>}
          {op.parameters && op.parameters.length > 0 && (
            <dl class="facts">
              {op.parameters.map((p) => (
                <>
                  <dt>
                    <code>{p.name}</code> ({p.in}
                    {p.required ? ', required' : ''})
                  </dt>
                  <dd>{p.description ?? ''}</dd>
                </>
              ))}
            </dl>
          )}
          {op.requestBody && <p>Body: JSON, schema {schemaName(Object.values(op.requestBody.content)[0]?.schema.$ref) ?? 'below in the document'}.</p>}
          <ul>
            {Object.entries(op.responses).map(([status, r]) => (
              <li>
                <strong>{status}</strong>: {r.description}
              </li>
            ))}
          </ul>
        </section>
      ))}
    </Layout>
  );
}
