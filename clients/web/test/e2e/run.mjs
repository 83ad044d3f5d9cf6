// End-to-end checks of the web app in headless Chromium against a real,
// seeded uurod (tests/clients/web_app_browser_test.cc starts both):
//
//   node test/e2e/run.mjs URL DEMO_DIR UURO_BINARY GRPC_ADDRESS LOG_VKEY
//
// DEMO_DIR is what uuro-demo-seed wrote (residents/, initiatives.txt,
// invites.txt) plus steward.key and council.key. Each passed check prints one
// line; the first failure prints what went wrong and exits non-zero.
// With UURO_SCREENSHOTS=DIR it also saves PNGs of the main pages there; the
// ones in docs/screenshots were made with
//   UURO_SCREENSHOTS=$PWD/docs/screenshots ctest --test-dir build -R WebApp
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const here = dirname(fileURLToPath(import.meta.url));
const axeSource = readFileSync(join(here, "../../node_modules/axe-core/axe.min.js"), "utf8");
const [url, demo, uuroBin, server, vkey] = process.argv.slice(2);
if (!vkey) {
  console.error("usage: node run.mjs URL DEMO_DIR UURO_BINARY GRPC_ADDRESS LOG_VKEY");
  process.exit(2);
}
const shots = process.env.UURO_SCREENSHOTS;
const started = Date.now();
const lines = (f) => readFileSync(join(demo, f), "utf8").split("\n").filter(Boolean);
const initiatives = lines("initiatives.txt");
const invites = lines("invites.txt");
const residentKey = (n) => join(demo, "residents", `resident-${String(n).padStart(3, "0")}.key`);

// ---------------------------------------------------------------- helpers

class Failure extends Error {}
function expect(cond, message) {
  if (!cond) throw new Failure(message);
}
function expectEq(got, want, what) {
  if (got !== want) throw new Failure(`${what}: got ${JSON.stringify(String(got))}, want ${JSON.stringify(String(want))}`);
}
let passed = 0;
async function check(name, fn) {
  const t0 = Date.now();
  try {
    await fn();
  } catch (e) {
    console.log(`FAIL ${name}\n  ${e instanceof Failure ? e.message : e?.stack ?? e}`);
    for (const p of openPages) {
      const text = await p.locator("main").innerText({ timeout: 2000 }).catch(() => "(no main)");
      console.log(`--- ${p.url()}\n${text.slice(0, 2000)}`);
      const png = join(here, "out", `failure-${openPages.indexOf(p)}.png`);
      mkdirSync(dirname(png), { recursive: true });
      if (await p.screenshot({ path: png, fullPage: true }).then(() => true, () => false)) console.log(`(screenshot: ${png})`);
    }
    await browser?.close().catch(() => {});
    process.exit(1);
  }
  passed++;
  console.log(`ok ${passed} - ${name} (${Date.now() - t0} ms)`);
}

// The uuro command-line client, as a resident, steward or council member.
function uuro(args, key) {
  const argv = ["--server", server, "--vkey", vkey, ...(key ? ["--key", key] : []), ...args];
  try {
    return execFileSync(uuroBin, argv, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  } catch (e) {
    throw new Failure(`uuro ${args.join(" ")} failed: ${e.stderr || e.stdout || e.message}`);
  }
}
const uuroJson = (args, key) => JSON.parse(uuro(["--json", ...args], key));

// A Connect unary call (JSON) to uurod, as any client may make it.
async function connect(method, body) {
  const res = await fetch(`${url}/${method}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  const json = await res.json();
  if (!res.ok) throw new Failure(`${method}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}

// "1,234" / "1.234" / "€ 5,00" -> digits only, as a number.
const digits = (text) => Number(String(text).replace(/[^0-9]/g, "") || "NaN");

// A fresh load of the page, so that what is checked is never the page before
// (a change of the fragment alone would keep the old page on screen a while).
async function goto(page, hash) {
  await page.goto("about:blank");
  await page.goto(`${url}/${hash}`);
  await page.locator("main h1").first().waitFor();
  // The page is rendered once its heading is; wait for pending reads too.
  await page.waitForLoadState("networkidle");
}

// The value next to a label in a page's key figures (<dt>label</dt><dd>).
async function fact(scope, label) {
  const p = typeof scope.page === "function" ? scope.page() : scope;
  const exact = new RegExp(`^${label.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}$`);
  const row = scope.locator(".uuro-facts__row").filter({ has: p.getByRole("term").filter({ hasText: exact }) });
  return (await row.getByRole("definition").first().innerText()).trim();
}

// The flash message after an action: a status (ok/warning) or an alert.
async function flash(page) {
  const box = page.locator("main > .utrecht-alert").first();
  await box.waitFor();
  return (await box.innerText()).trim();
}

// Clicks (or taps) a button that sends a transaction and waits for the page
// to show its outcome: act() re-renders with a new message, whose text always
// differs from the one before (it names the new entry or the refusal).
async function submitAndWait(page, button, { tap = false } = {}) {
  const box = page.locator("main > .utrecht-alert").first();
  const before = (await box.count()) ? (await box.innerText()).trim() : null;
  if (tap) await button.tap();
  else await button.click();
  await page.waitForFunction(
    (before) => {
      const b = document.querySelector("main > .utrecht-alert");
      return !!b && b.innerText.trim() !== before;
    },
    before,
    { timeout: 20000 },
  );
}

async function axe(page, what) {
  // Evaluated through the DevTools protocol: the app's Content-Security-Policy
  // (rightly) refuses an injected <script>.
  await page.evaluate(axeSource);
  const result = await page.evaluate(async () => {
    // eslint-disable-next-line no-undef
    const r = await axe.run(document, { runOnly: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => n.target.join(" ")).slice(0, 3) }));
  });
  const bad = result.filter((v) => v.impact === "serious" || v.impact === "critical");
  for (const v of result.filter((v) => !bad.includes(v))) console.log(`  note ${what}: axe ${v.impact} ${v.id}: ${v.help} at ${v.nodes.join(", ")}`);
  expect(bad.length === 0, `${what}: axe found ${bad.map((v) => `${v.impact} ${v.id} (${v.help}) at ${v.nodes.join(", ")}`).join("; ")}`);
}

// On a phone the browser widens the layout viewport (and zooms out) to fit a
// page that is too wide, so innerWidth alone would hide the overflow: the
// screen's width is the viewport the page was given.
async function noHorizontalOverflow(page, what) {
  const screen = page.viewportSize().width;
  const { scroll, inner } = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, inner: window.innerWidth }));
  expect(scroll <= inner && scroll <= screen, `${what}: the document is ${scroll}px wide on a ${screen}px screen (layout viewport ${inner}px)`);
}

const launchArgs = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"];
const browser = await chromium.launch({ executablePath: process.env.UURO_CHROMIUM ?? "/usr/bin/chromium", args: launchArgs });
const consoleErrors = [];
const openPages = [];
async function newPage(options) {
  const context = await browser.newContext({ locale: "en-GB", ...options });
  const page = await context.newPage();
  page.setDefaultTimeout(15000);
  openPages.push(page);
  page.on("pageerror", (e) => consoleErrors.push(`${e.message}`));
  return page;
}

// ---------------------------------------------------------------- a. join, award, withdraw, move

const fund = await connect("uuro.v1.Ledger/GetFund", {});
const roundId = fund.fund?.openRound ?? fund.openRound;
const page = await newPage({ viewport: { width: 1280, height: 900 } });
const [A, B, C] = initiatives;
let titleA, titleB;
let myKeyB64;

async function residentView() {
  return connect("uuro.v1.Ledger/GetResident", { key: myKeyB64 });
}

await check("a resident joins by invite link and lands on My credits with a balance", async () => {
  await goto(page, `#/join?code=${invites[0]}`);
  expectEq(await page.getByLabel("Invite code").inputValue(), invites[0], "the link fills in the code");
  await submitAndWait(page, page.getByRole("button", { name: "Join", exact: true }));
  await page.getByRole("heading", { level: 1, name: "My credits" }).waitFor();
  const text = await flash(page);
  expect(text.includes("Welcome! You have joined.") && /verified/.test(text) && !/does not verify/.test(text), `join message: ${text}`);
  expectEq(digits(await fact(page, "Balance")), 100, "balance after joining");
  expectEq(digits(await fact(page, "Credits this round")), 100, "allowance");
  // The browser's public key, read from the Key page, is the enrolled one.
  await goto(page, "#/key");
  const hex = (await page.locator("main code.uuro-break").innerText()).trim();
  expect(/^[0-9a-f]{64}$/.test(hex), `full public key on the key page: ${hex}`);
  myKeyB64 = Buffer.from(hex, "hex").toString("base64");
  const view = await residentView();
  expectEq(view.balance, "100", "GetResident balance");
});

await check("awarding credits shows a verified receipt and lowers the balance", async () => {
  await goto(page, `#/initiative/${A}`);
  titleA = (await page.locator("main h1").innerText()).trim();
  const form = page.locator("form").filter({ has: page.getByRole("button", { name: "Award", exact: true }) });
  await form.getByLabel("Number of credits").fill("10");
  await submitAndWait(page, form.getByRole("button", { name: "Award", exact: true }));
  const text = await flash(page);
  expect(text.includes(`You awarded 10 credits to ${titleA}.`), `award message: ${text}`);
  expect(/Recorded as entry \d+, verified\./.test(text), `award receipt not verified: ${text}`);
  const award = page.getByRole("region", { name: "Award credits", exact: true });
  expectEq(digits(await fact(award, "Your balance")), 90, "balance on the initiative page");
  expectEq(digits(await fact(award, "Already awarded to this initiative")), 10, "already awarded");
  expectEq((await residentView()).balance, "90", "GetResident balance after the award");
});

await check("withdrawing part of an award gives credits back", async () => {
  await page.getByLabel("Credits to take back").fill("4");
  await submitAndWait(page, page.getByRole("button", { name: "Withdraw", exact: true }));
  const text = await flash(page);
  expect(text.includes(`You took 4 credits back from ${titleA}.`) && /verified\./.test(text), `withdraw message: ${text}`);
  const award = page.getByRole("region", { name: "Award credits", exact: true });
  expectEq(digits(await fact(award, "Your balance")), 94, "balance after withdrawing");
  expectEq(digits(await fact(award, "Already awarded to this initiative")), 6, "awarded after withdrawing");
  expectEq((await residentView()).balance, "94", "GetResident balance after withdrawing");
});

await check("moving an award to another initiative signs two verified entries", async () => {
  titleB = (await connect("uuro.v1.Ledger/GetInitiative", { id: B })).initiative.proposal.title;
  const form = page.locator("form").filter({ has: page.getByRole("button", { name: "Move", exact: true }) });
  await form.getByLabel("Credits to move").fill("3");
  await form.getByLabel("To initiative").selectOption({ label: titleB });
  await submitAndWait(page, form.getByRole("button", { name: "Move", exact: true }));
  const text = await flash(page);
  expect(text.includes("You moved 3 credits."), `move message: ${text}`);
  expectEq((text.match(/Recorded as entry \d+, verified\./g) ?? []).length, 2, `verified receipts in: ${text}`);
  const view = await residentView();
  expectEq(view.balance, "94", "balance after moving");
  const awards = Object.fromEntries((view.awards ?? []).map((a) => [a.initiativeId, a.amount]));
  expectEq(awards[A], "3", "award left on the first initiative");
  expectEq(awards[B], "3", "award moved to the second initiative");
  await goto(page, "#/me");
  expectEq(digits(await fact(page, "Balance")), 94, "balance on My credits");
  expectEq(digits(await fact(page, "Awarded")), 6, "awarded on My credits");
  const awardsTable = page.getByRole("table", { name: "Your awards this round" });
  expectEq(await awardsTable.getByRole("row").count(), 3, "rows of the awards table (header + 2)");
});

// ---------------------------------------------------------------- b. receipts, genuine and forged

let receiptIndex;
await check("a receipt opened from Everything you signed shows Verified.", async () => {
  await goto(page, "#/me");
  const history = page.getByRole("table", { name: "Everything you signed" });
  const link = history.getByRole("link", { name: /^Receipt of entry \d+$/ }).first();
  receiptIndex = (await link.getAttribute("href")).split("/").pop();
  await link.click();
  await page.getByRole("heading", { level: 1, name: `Receipt of entry ${receiptIndex}` }).waitFor();
  await page.getByText("Verified.", { exact: true }).waitFor();
  expectEq(await page.getByText("Not verified.", { exact: true }).count(), 0, "no Not verified. on a genuine receipt");
  const body = await page.locator("main").innerText();
  expect(!/\[[a-z_]+\]|FAILED_PRECONDITION|UNAVAILABLE/.test(body), `a raw status code on the receipt page: ${body}`);
});

async function expectNotVerified(what) {
  await goto(page, `#/receipt/${receiptIndex}`);
  const body = await page.locator("main").innerText();
  expectEq(await page.getByText("Verified.", { exact: true }).count(), 0, `Verified. shown with ${what}`);
  expect(body.includes("Not verified.") || body.includes("This log cannot be trusted."), `${what}: neither Not verified. nor a trust error in: ${body.slice(0, 400)}`);
}

await check("a receipt with a forged inclusion proof shows Not verified.", async () => {
  let forged = 0;
  await page.route("**/uuro.v1.Transparency/GetInclusionProof**", async (route) => {
    const response = await route.fetch();
    const json = await response.json();
    const h = Buffer.from(json.hashes[0], "base64");
    h[0] ^= 0x01;
    json.hashes[0] = h.toString("base64");
    forged++;
    await route.fulfill({ response, json });
  });
  await expectNotVerified("a forged proof hash");
  expect(forged > 0, "the inclusion proof was never asked for");
  await page.unroute("**/uuro.v1.Transparency/GetInclusionProof**");
  await goto(page, `#/receipt/${receiptIndex}`);
  await page.getByText("Verified.", { exact: true }).waitFor();
});

await check("a receipt against a forged checkpoint is never shown as verified", async () => {
  let forged = 0;
  await page.route("**/uuro.v1.Transparency/GetCheckpoint**", async (route) => {
    const response = await route.fetch();
    const json = await response.json();
    // The checkpoint's root hash line (third line) changes: the signature no
    // longer covers what the note says.
    const noteLines = json.checkpoint.split("\n");
    const root = Buffer.from(noteLines[2], "base64");
    root[5] ^= 0x80;
    noteLines[2] = root.toString("base64");
    json.checkpoint = noteLines.join("\n");
    forged++;
    await route.fulfill({ response, json });
  });
  await expectNotVerified("a forged checkpoint");
  expect(forged > 0, "the checkpoint was never asked for");
  await page.unroute("**/uuro.v1.Transparency/GetCheckpoint**");
  await goto(page, `#/receipt/${receiptIndex}`);
  await page.getByText("Verified.", { exact: true }).waitFor();
});

// ---------------------------------------------------------------- c. a refused award

await check("a refused award is told in plain words, not as a status code", async () => {
  await goto(page, `#/initiative/${C}`);
  const form = page.locator("form").filter({ has: page.getByRole("button", { name: "Award", exact: true }) });
  await form.getByLabel("Number of credits").fill("60");
  await submitAndWait(page, form.getByRole("button", { name: "Award", exact: true }));
  const alert = (await page.getByRole("alert").first().innerText()).trim();
  expect(alert.includes("That is more than one initiative may get from you: at most 40 credits per initiative."), `refusal: ${alert}`);
  expect(!/FAILED_PRECONDITION|failed_precondition|\[\w+\]/.test(alert), `status code word in the refusal: ${alert}`);
  expectEq((await residentView()).balance, "94", "balance after a refused award");
});

// ---------------------------------------------------------------- g. a phone

const phone = await newPage({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 });
const phonePages = ["#/", "#/initiatives", `#/initiative/${A}`, `#/join?code=${invites[1]}`, "#/me", "#/owner", "#/propose", "#/council", "#/log", "#/key"];
await check("on a phone (390x844) a resident joins and awards by touch", async () => {
  await goto(phone, `#/join?code=${invites[1]}`);
  await submitAndWait(phone, phone.getByRole("button", { name: "Join", exact: true }), { tap: true });
  await phone.getByRole("heading", { level: 1, name: "My credits" }).waitFor();
  await goto(phone, `#/initiative/${B}`);
  const form = phone.locator("form").filter({ has: phone.getByRole("button", { name: "Award", exact: true }) });
  await form.getByLabel("Number of credits").fill("7");
  await submitAndWait(phone, form.getByRole("button", { name: "Award", exact: true }), { tap: true });
  const text = await flash(phone);
  expect(/You awarded 7 credits to .*verified\./s.test(text), `phone award message: ${text}`);
  expectEq(digits(await fact(phone.getByRole("region", { name: "Award credits", exact: true }), "Your balance")), 93, "phone balance");
});

await check("no page scrolls sideways on a phone", async () => {
  for (const hash of phonePages) {
    await goto(phone, hash);
    await noHorizontalOverflow(phone, hash);
  }
  await goto(phone, `#/receipt/${receiptIndex}`);
  await noHorizontalOverflow(phone, "#/receipt");
});

// ---------------------------------------------------------------- d. an owner proposes, redeems and reports

let P;
const titleP = "Repair café at the library";
await check("an owner proposes an initiative", async () => {
  await goto(page, "#/propose");
  await page.getByLabel("Title").fill(titleP);
  await page.getByLabel("Summary").fill("Volunteers fix bikes, lamps and clothes every Saturday.");
  await page.getByLabel("Credits asked for").fill("100");
  await submitAndWait(page, page.getByRole("button", { name: "Propose", exact: true }));
  await page.getByRole("heading", { level: 1, name: titleP }).waitFor();
  P = page.url().split("/").pop();
  expect(/^\d+$/.test(P), `initiative page URL: ${page.url()}`);
  const text = await flash(page);
  expect(text.includes(`${titleP} was proposed.`) && /verified\./.test(text), `propose message: ${text}`);
  expect(await page.getByText("Your initiative", { exact: true }).count() > 0, "the owner's badge is missing");
  expectEq(await page.getByRole("region", { name: "Award credits", exact: true }).count(), 0, "an award form on the owner's own initiative");
});

await check("residents award it with the uuro client; the round closes early with the council's approval", async () => {
  for (let n = 1; n <= 5; n++) uuro(["award", P, "10"], residentKey(n));
  const view = await connect("uuro.v1.Ledger/GetInitiative", { id: P });
  expectEq(view.initiative.receivedOpen, "50", "received by the new initiative");
  const proposal = uuroJson(["round", "close-early", String(roundId), "--reason", "End of the test round"], join(demo, "steward.key"));
  uuro(["proposal", "approve", String(proposal.index)], join(demo, "council.key"));
  const round = await connect("uuro.v1.Ledger/GetRound", { id: roundId });
  expect(round.closed === true, `round ${roundId} did not close: ${JSON.stringify(round)}`);
});

await check("the owner redeems: a small amount settles at once, a larger one waits", async () => {
  await goto(page, "#/owner");
  const section = page.getByRole("region", { name: titleP, exact: true });
  expect((await section.innerText()).includes("Redeemable now: 50 credits"), "redeemable 50 on the owner page");
  await section.getByLabel("Credits", { exact: true }).fill("10");
  await section.getByLabel("What for").fill("Tools");
  await submitAndWait(page, section.getByRole("button", { name: "Redeem", exact: true }));
  let text = await flash(page);
  expect(/Paid: €5\.00\./.test(text) && /verified\./.test(text), `first redemption: ${text}`);
  const again = page.getByRole("region", { name: titleP, exact: true });
  await again.getByLabel("Credits", { exact: true }).fill("30");
  await again.getByLabel("What for").fill("Rent of the room");
  await submitAndWait(page, again.getByRole("button", { name: "Redeem", exact: true }));
  text = await flash(page);
  expect(/Requested: €15\.00\. This amount waits for the council's approval\./.test(text), `second redemption: ${text}`);
  const list = page.getByRole("table", { name: `Redemptions: ${titleP}` });
  expect((await list.innerText()).includes("Paid") && (await list.innerText()).includes("Awaiting approval"), "redemption statuses");
  expect((await page.getByRole("region", { name: titleP, exact: true }).innerText()).includes("Redeemable now: 10 credits"), "redeemable left");
});

const reportText = "Twelve bikes and four lamps repaired on the first Saturday.";
await check("the owner posts a report that shows on the initiative page", async () => {
  const section = page.getByRole("region", { name: titleP, exact: true });
  await section.getByLabel("What came of it?").fill(reportText);
  await submitAndWait(page, section.getByRole("button", { name: "Post", exact: true }));
  const text = await flash(page);
  expect(text.includes("Your report is in the log.") && /verified\./.test(text), `report message: ${text}`);
  await goto(page, `#/initiative/${P}`);
  await page.getByRole("region", { name: "Reports", exact: true }).getByText(reportText).waitFor();
  expectEq(digits(await fact(page, "Received in closed rounds")), 50, "received in closed rounds");
});

// ---------------------------------------------------------------- e. the council

const council = await newPage({ viewport: { width: 1280, height: 900 } });
await check("the council dashboard's figures equal uuro audit totals", async () => {
  const totals = uuroJson(["audit", "totals", "--round", String(roundId)]);
  await goto(council, `#/council?round=${roundId}`);
  const figure = async (key) => digits(await council.locator(`[data-figure="${key}"]`).innerText());
  for (const key of ["issued", "awarded", "withdrawn", "net_awarded", "unspent", "lapsed", "transferred"]) {
    expectEq(await figure(key), Number(totals[key]), `figure ${key}`);
  }
  expectEq(await figure("redeemed"), Number(totals.redemptions.settled), "figure redeemed");
  expectEq(await figure("pending"), Number(totals.redemptions.pending), "figure pending");
  expectEq(Number(totals.redemptions.pending), 30, "pending in audit totals");
  expectEq(await council.getByText("Only a council key can approve.").count(), 1, "the note for a key that is not the council's");
});

await check("a council member reads in the key file and approves the waiting payment", async () => {
  await goto(council, "#/key");
  await council.getByLabel("Text of the key card").fill(readFileSync(join(demo, "council.key"), "utf8"));
  await submitAndWait(council, council.getByRole("button", { name: "Read in", exact: true }));
  expect((await flash(council)).includes("Your card's key was read in and is in use."), "council key read in");
  await goto(council, `#/council?round=${roundId}`);
  const pending = council.getByRole("table", { name: "Payments awaiting approval" });
  expect((await pending.innerText()).includes(titleP), "the pending payment is listed");
  await submitAndWait(council, pending.getByRole("button", { name: "Approve", exact: true }));
  const text = await flash(council);
  expect(/You approved payment \d+\./.test(text) && /verified\./.test(text), `approval message: ${text}`);
  expect((await council.getByRole("table", { name: "Payments awaiting approval" }).innerText()).includes("1 / 1"), "approvals 1 / 1");
});

// A new round, so that the pages below show an open round again.
uuro(["round", "open", "--allowance", "100", "--credit-value-cents", "50", "--closes-in", "30d", "--max-share", "40", "--trust-threshold", "20"], join(demo, "steward.key"));

await check("a paper key card, photographed, is read in and signs as its resident", async () => {
  // The service desk prints the card with uuro; the resident photographs its
  // QR code. Here Chromium renders the card and the photo is its screenshot.
  const key = residentKey(7);
  const cardHtml = join(here, "out", "key-card.html");
  const cardPng = join(here, "out", "key-card.png");
  mkdirSync(join(here, "out"), { recursive: true });
  uuro(["card", "--out", cardHtml], key);
  const printed = await newPage({ viewport: { width: 900, height: 1200 } });
  await printed.goto(`file://${cardHtml}`);
  await printed.screenshot({ path: cardPng, fullPage: true });
  const desk = await newPage({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  await goto(desk, "#/key");
  await desk.getByLabel("Photo of the key card").setInputFiles(cardPng);
  await desk.getByText("Your card's key was read in and is in use.").waitFor({ timeout: 15000 });
  const hex = uuro(["key", "show"], key).trim();
  await goto(desk, "#/me");
  expect((await desk.locator("main").innerText()).includes(`${hex.slice(0, 8)}…${hex.slice(-8)}`), "My credits shows the card's key");
  expectEq(digits(await fact(desk, "Balance")), Number((await connect("uuro.v1.Ledger/GetResident", { key: Buffer.from(hex, "hex").toString("base64") })).balance ?? 0), "the card resident's balance");
});

// ---------------------------------------------------------------- f. accessibility of every page

await check("every page passes axe-core (WCAG 2.1 A/AA: no serious or critical violations)", async () => {
  for (const hash of ["#/", "#/initiatives", `#/initiative/${A}`, `#/initiative/${P}`, `#/join?code=${invites[2]}`, "#/me", `#/receipt/${receiptIndex}`, "#/owner", "#/propose", `#/council?round=${roundId}`, "#/council", "#/log", "#/key"]) {
    await goto(page, hash);
    await axe(page, hash);
  }
  // A page without a key, as a first visitor sees it.
  const fresh = await newPage({ viewport: { width: 1280, height: 900 } });
  for (const hash of ["#/", "#/join", "#/me"]) {
    await goto(fresh, hash);
    await axe(fresh, `${hash} (no key)`);
  }
  for (const hash of phonePages) {
    await goto(phone, hash);
    await axe(phone, `${hash} (phone)`);
  }
});

await check("in a Dutch browser the pages speak Dutch and pass axe-core", async () => {
  const nl = await newPage({ locale: "nl-NL", viewport: { width: 1280, height: 900 } });
  await goto(nl, "#/");
  await nl.getByRole("heading", { level: 2, name: "Wat wilt u doen?" }).waitFor();
  await nl.getByRole("navigation", { name: "Hoofdmenu" }).getByRole("link", { name: "Initiatieven" }).waitFor();
  expectEq(await nl.evaluate(() => document.documentElement.lang), "nl", "html lang");
  await axe(nl, "#/ (nl)");
  await goto(nl, `#/council?round=${roundId}`);
  await nl.getByRole("heading", { level: 1, name: "Raad" }).waitFor();
  const issued = await nl.locator('[data-figure="issued"]').innerText();
  expect(/^\d{1,3}(\.\d{3})*$/.test(issued.trim()), `Dutch number format of issued: ${issued}`);
  await axe(nl, "#/council (nl)");
});

await check("no uncaught errors in the pages", async () => {
  expect(consoleErrors.length === 0, `page errors: ${consoleErrors.join("; ")}`);
});

// ---------------------------------------------------------------- screenshots

if (shots) {
  mkdirSync(shots, { recursive: true });
  await check(`screenshots in ${shots}`, async () => {
    // Some awards in the new round, so that the pages have figures to show.
    for (let n = 6; n <= 41; n++) uuro(["award", initiatives[n % initiatives.length], String(1 + (n % 9))], residentKey(n));
    await goto(page, `#/initiative/${A}`);
    const form = page.locator("form").filter({ has: page.getByRole("button", { name: "Award", exact: true }) });
    await form.getByLabel("Number of credits").fill("12");
    await submitAndWait(page, form.getByRole("button", { name: "Award", exact: true }));
    await page.setViewportSize({ width: 390, height: 844 });
    const take = async (p, hash, name, waitFor) => {
      await goto(p, hash);
      if (waitFor) await p.getByText(waitFor, { exact: true }).first().waitFor();
      await p.evaluate(() => document.activeElement instanceof HTMLElement && document.activeElement.blur());
      await p.screenshot({ path: join(shots, `${name}.png`), fullPage: true });
    };
    await take(page, "#/", "phone-home");
    await take(page, "#/initiatives", "phone-initiatives");
    await take(page, `#/initiative/${B}`, "phone-initiative-award");
    await take(page, "#/me", "phone-my-credits");
    await take(page, `#/receipt/${receiptIndex}`, "phone-receipt-verified", "Verified.");
    await take(page, "#/owner", "phone-owner");
    await take(page, `#/council?round=${roundId}`, "phone-council");
    await take(page, "#/log", "phone-log");
    await take(council, `#/council?round=${roundId}`, "desktop-council");
  });
}

await browser.close();
console.log(`all ${passed} checks passed in ${((Date.now() - started) / 1000).toFixed(1)} s`);
