// Whole lists read page by page: a fund has hundreds of initiatives, not
// millions, and the pages filter and sort them in the browser.
import { ledger } from "./client";
import type { InitiativeRecord, RedemptionRecord, RedemptionStatus, RoundRecord } from "../gen/uuro/v1/state_pb";

// A bound on the pages read, so a misbehaving server cannot keep the app busy.
const MAX_PAGES = 40;

interface Page {
  nextPageToken: string;
}

async function allPages<P extends Page, T>(read: (pageToken: string) => Promise<P>, items: (page: P) => T[]): Promise<T[]> {
  const out: T[] = [];
  let pageToken = "";
  for (let i = 0; i < MAX_PAGES; i++) {
    const page = await read(pageToken);
    out.push(...items(page));
    if (!page.nextPageToken) break;
    pageToken = page.nextPageToken;
  }
  return out;
}

export function allInitiatives(): Promise<InitiativeRecord[]> {
  return allPages((pageToken) => ledger.listInitiatives({ pageSize: 500, pageToken }), (p) => p.initiatives);
}

export function allRedemptions(filter: { status?: RedemptionStatus; initiativeId?: bigint }): Promise<RedemptionRecord[]> {
  return allPages((pageToken) => ledger.listRedemptions({ ...filter, pageSize: 500, pageToken }), (p) => p.redemptions);
}

export function allRounds(): Promise<RoundRecord[]> {
  return allPages((pageToken) => ledger.listRounds({ pageSize: 500, pageToken }), (p) => p.rounds);
}
