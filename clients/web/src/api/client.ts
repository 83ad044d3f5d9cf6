// The Connect clients of uurod's public HTTP port, on the same origin that
// served the app: no other host is ever asked.
import { Code, ConnectError, createClient, type Client } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-web";
import { Audit } from "../gen/uuro/v1/audit_pb";
import { Ledger } from "../gen/uuro/v1/ledger_pb";
import { Transparency } from "../gen/uuro/v1/transparency_pb";

// JSON keeps every exchange readable in the browser's developer tools; reads
// go as GET so that uurod and any proxy in front of it may cache them.
const transport = createConnectTransport({
  baseUrl: new URL(".", window.location.href).href.replace(/\/$/, ""),
  useHttpGet: true,
});

export const ledger: Client<typeof Ledger> = createClient(Ledger, transport);
export const audit: Client<typeof Audit> = createClient(Audit, transport);
export const transparency: Client<typeof Transparency> = createClient(
  Transparency,
  transport,
);

// The checkpoint the council's witnesses cosigned, or undefined while none
// has (uurod answers UNAVAILABLE until a witness has cosigned one).
export async function cosignedCheckpoint() {
  try {
    return await transparency.getCheckpoint({ cosigned: true });
  } catch (e) {
    if (ConnectError.from(e).code === Code.Unavailable) return undefined;
    throw e;
  }
}
