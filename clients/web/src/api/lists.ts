// Whole lists read page by page: a fund has hundreds of initiatives, not
// millions, and the pages filter and sort them in the browser.
import { ledger } from "./client";
import type { InitiativeRecord, RedemptionRecord, RedemptionStatus, RoundRecord } from "../gen/uuro/v1/state_pb";

const MAX_PAGES = 40;

export async function allInitiatives(): Promise<InitiativeRecord[]> {
  const out: InitiativeRecord[] = [];
  let pageToken = "";
  for (let i = 0; i < MAX_PAGES; i++) {
    const res = await ledger.listInitiatives({ pageSize: 500, pageToken });
    out.push(...res.initiatives);
    if (!res.nextPageToken) break;
    pageToken = res.nextPageToken;
  }
  return out;
}

export async function allRedemptions(filter: { status?: RedemptionStatus; initiativeId?: bigint }): Promise<RedemptionRecord[]> {
  const out: RedemptionRecord[] = [];
  let pageToken = "";
  for (let i = 0; i < MAX_PAGES; i++) {
    const res = await ledger.listRedemptions({ ...filter, pageSize: 500, pageToken });
    out.push(...res.redemptions);
    if (!res.nextPageToken) break;
    pageToken = res.nextPageToken;
  }
  return out;
}

export async function allRounds(): Promise<RoundRecord[]> {
  const out: RoundRecord[] = [];
  let pageToken = "";
  for (let i = 0; i < MAX_PAGES; i++) {
    const res = await ledger.listRounds({ pageSize: 500, pageToken });
    out.push(...res.rounds);
    if (!res.nextPageToken) break;
    pageToken = res.nextPageToken;
  }
  return out;
}
