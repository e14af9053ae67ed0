// Drives a real VS Code (code-server) in headless Chromium: open a dataset, read the
// Problems panel, hover a finding, apply a quick fix, read the code lenses, screenshot.
// With --missing-server (an interpreter without jsonl-lint): the extension's one
// notification, naming the interpreter and the install command, and no restart loop.
// Usage: node e2e.js URL DOCS_DIR [normal|--missing-server] PYTHON   (run.sh sets everything up)
const { chromium } = require("playwright-core");

const url = process.argv[2];
const docs = process.argv[3];
const mode = process.argv[4] || "normal";
const python = process.argv[5] || "";
const log = (...a) => console.log(...a);

async function texts(page, selector) {
  return page.$$eval(selector, (els) => els.map((e) => e.textContent.replace(/\s+/g, " ").trim()));
}

async function waitFor(what, fn, timeout = 60000) {
  const end = Date.now() + timeout;
  let last;
  while (Date.now() < end) {
    last = await fn();
    if (last) return last;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`timed out waiting for ${what}`);
}

async function missingServer(page, check) {
  const toast = await waitFor("the missing-server notification", async () => {
    const t = await texts(page, ".notification-toast .notification-list-item-message");
    return t.find((x) => x.includes("jsonl-lint cannot start")) || null;
  });
  log("NOTIFICATION: " + toast);
  check(toast.includes(python), "names the interpreter it tried");
  check(toast.includes(`${python} -m pip install --upgrade 'jsonl-lint>=`), "gives the exact install command");
  const buttons = await texts(page, ".notification-toast .monaco-button");
  log("BUTTONS: " + buttons.join(" | "));
  check(["Install in terminal", "Select interpreter", "Show logs"].every((b) => buttons.includes(b)), "three buttons");
  await page.screenshot({ path: `${docs}/vscode-missing-server.png` });
  await page.waitForTimeout(10000); // a restart loop would show more notifications by now
  const later = await texts(page, ".notification-list-item-message");
  const ours = later.filter((x) => x.includes("jsonl-lint"));
  log("AFTER 10 s: " + ours.join(" || "));
  check(ours.length === 1 && !later.some((x) => /crashed|restart/i.test(x)), "one notification, no restart loop");
  await page.locator(".notification-toast .monaco-button", { hasText: "Show logs" }).first().click();
  const channel = await waitFor("the output channel", async () => {
    const t = (await texts(page, ".output-view .view-line")).join("\n");
    return t.includes("cannot start its server") ? t : null;
  }, 20000).catch(() => "");
  check(channel.includes("jsonl-lint is not installed there"), "the logs say why");
}

(async () => {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
      "--disable-sync", "--no-first-run", "--disable-dev-shm-usage"],
  });
  const page = await browser.newPage({ viewport: { width: 1500, height: 900 } });
  const failures = [];
  const check = (ok, message) => { if (!ok) failures.push(message); log(ok ? "ok  " : "FAIL", message); };
  try {
    await page.goto(url, { waitUntil: "domcontentloaded" });
    await page.waitForSelector(".monaco-workbench", { timeout: 60000 });
    await page.waitForTimeout(2500);
    // open the dataset from the Explorer
    const item = page.locator(".explorer-folders-view .monaco-list-row", { hasText: "data.jsonl" }).first();
    await item.waitFor({ timeout: 30000 });
    await item.dblclick();
    await page.waitForSelector(".monaco-editor .view-lines", { timeout: 30000 });
    if (mode === "--missing-server") {
      await missingServer(page, check);
      return;
    }

    const squiggles = await waitFor("squiggles", async () => {
      const n = await page.$$eval(".squiggly-error, .squiggly-warning", (e) => e.length);
      return n >= 2 ? n : 0;
    });
    log(`squiggles: ${squiggles}`);

    await page.keyboard.press("Control+Shift+M");
    const problems = await waitFor("Problems entries", async () => {
      const rows = await texts(page, ".markers-panel .monaco-list-row");
      return ["JL104", "JL001", "JL301"].every((c) => rows.some((r) => r.includes(c))) ? rows : null;
    });
    log("PROBLEMS:\n  " + problems.join("\n  "));
    check(problems.some((r) => r.includes("jsonl-lint") && r.includes("JL104") && r.includes("User")), "Problems lists JL104 from jsonl-lint");
    const links = await page.$$eval(".markers-panel .monaco-list-row a, .markers-panel .monaco-list-row .code-link",
      (els) => els.map((e) => e.getAttribute("href") || e.textContent));
    log("code links:", JSON.stringify(links.slice(0, 6)));

    const lenses = await waitFor("code lenses", async () => {
      const t = await texts(page, ".codelens-decoration");
      // the summary is refreshed (workspace/codeLens/refresh) once the dataset-wide pass lands
      return t.some((x) => x.includes("8 records") && x.includes("3 errors, 1 warnings")) &&
        t.some((x) => x.includes("go to line")) ? t : null;
    });
    log("CODELENS:\n  " + lenses.join("\n  "));
    check(lenses.some((x) => x.includes("8 records") && x.includes("tokens")), "summary lens on line 1");
    check(lenses.some((x) => x.includes("go to line 1")), "partner lens on the duplicate");

    // hover the role finding: a double click on its Problems row puts the editor's
    // selection on it (and focuses the editor)
    const row = page.locator(".markers-panel .monaco-list-row", { hasText: "JL104" }).first();
    await row.dblclick();
    await page.waitForTimeout(800);
    const sel = await page.locator(".monaco-editor .selected-text").first().boundingBox();
    await page.mouse.move(sel.x + sel.width / 2, sel.y + sel.height / 2);
    const hover = await waitFor("hover", async () => {
      const t = await texts(page, ".monaco-hover-content");
      return t.join(" ").includes("record 4") ? t.join(" | ") : null;
    }, 20000).catch(() => "");
    log("HOVER: " + hover);
    check(hover.includes("unknown-role") && hover.includes("record 4") && hover.includes("tokens"), "hover shows rule and record");
    await page.screenshot({ path: `${docs}/vscode-hover.png` });
    await page.mouse.move(700, 700);
    await page.keyboard.press("Escape");

    // quick fix at the cursor
    await row.dblclick();
    await page.waitForTimeout(500);
    await page.keyboard.press("Control+.");
    const actions = await waitFor("quick fixes", async () => {
      const t = await texts(page, ".action-widget .monaco-list-row");
      return t.some((x) => x.includes("Rename role")) ? t : null;
    }, 20000);
    log("QUICK FIXES: " + actions.join(" || "));
    check(actions.some((x) => x.includes("Suppress JL104")), "suppress action offered");
    await page.screenshot({ path: `${docs}/vscode-quickfix.png` });
    await page.locator(".action-widget .monaco-list-row", { hasText: "Rename role" }).first().click();
    const after = await waitFor("JL104 gone", async () => {
      const rows = await texts(page, ".markers-panel .monaco-list-row");
      return rows.length && !rows.some((r) => r.includes("JL104")) ? rows : null;
    }, 30000).catch(() => null);
    check(after !== null, "quick fix applied: JL104 gone from Problems");
    if (after) log("after fix:\n  " + after.join("\n  "));
    const line4 = await texts(page, ".view-line");
    check(line4.some((t) => t.includes('"role": "user", "content": "What is 2 + 2?"')), "edited text in the editor");
  } catch (err) {
    failures.push(String(err));
    log("ERROR", err);
    await page.screenshot({ path: `${docs}/vscode-e2e-failure.png` }).catch(() => {});
  } finally {
    await browser.close();
  }
  if (failures.length) {
    log(`\n${failures.length} check(s) failed`);
    process.exit(1);
  }
  log("\nall checks passed");
})();
