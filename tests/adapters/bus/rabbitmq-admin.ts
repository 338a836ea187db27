// What RabbitMQ tests do around the bus: inspect exchanges and queues over a separate connection,
// clean up what a run declared, and force-close one connection found by its connection_name
// (rabbitmqctl close_connection), which disturbs no other client of the shared broker.
import { execFile } from "node:child_process";
import process from "node:process";
import { promisify } from "node:util";
import { type Channel, type ChannelModel, connect } from "amqplib";

export const RABBITMQ_URL = process.env.TEST_RABBITMQ_URL ?? "amqp://guest:guest@127.0.0.1:5672";
const run = promisify(execFile);

export interface Admin {
  connection: ChannelModel;
  /** A fresh channel (a failed assertion closes a channel, so each check gets its own). */
  channel(): Promise<Channel>;
  close(): Promise<void>;
}

export async function admin(): Promise<Admin> {
  const connection = await connect(RABBITMQ_URL, { clientProperties: { connection_name: "catalog-jobs-test-admin" } });
  connection.on("error", () => {});
  return {
    connection,
    async channel() {
      const ch = await connection.createChannel();
      ch.on("error", () => {}); // expected in precondition checks
      return ch;
    },
    close: () => connection.close(),
  };
}

/** Deletes exchanges and queues a test run declared. */
export async function cleanUp(exchanges: string[], queues: string[] = []): Promise<void> {
  const a = await admin();
  const ch = await a.channel();
  for (const q of queues) await ch.deleteQueue(q);
  for (const x of exchanges) await ch.deleteExchange(x);
  await a.close();
}

/** Force-closes the broker connection whose client_properties.connection_name is `name`. */
export async function closeConnectionNamed(name: string): Promise<void> {
  const { stdout } = await run("rabbitmqctl", ["list_connections", "pid", "client_properties", "-q", "--no-table-headers"]);
  const line = stdout.split("\n").find((l) => l.includes(`{"connection_name",${JSON.stringify(name)}}`));
  if (!line) throw new Error(`no RabbitMQ connection named ${name}:\n${stdout}`);
  const pid = line.split("\t")[0];
  await run("rabbitmqctl", ["close_connection", pid, "test forces a reconnect"]);
}
