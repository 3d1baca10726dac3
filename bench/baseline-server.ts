// The baseline: a bare Fastify POST route that parses the same JSON and answers 201, no database.
import Fastify from 'fastify';

const app = Fastify();
app.post('/api/v1/petitions/:slug/signatures', async (_request, reply) => reply.code(201).send({ status: 'signed' }));
const address = await app.listen({ port: Number(process.env.PORT ?? 0), host: '127.0.0.1' });
console.log(`listening ${address}`);
