#!/usr/bin/env node
/* SPDX-License-Identifier: MIT */
/*
 * browser-check: open every page of the built docs site in headless
 * Chromium and fail on a broken link, a missing image or a script error.
 *
 *   node tools/browser-check.js SITE_DIR
 *
 * SITE_DIR is Doxygen's html/ output.  The site is served over HTTP on
 * 127.0.0.1 (as GitHub Pages would serve it), each page is loaded and its
 * scripts run; then, on each page:
 *   - no uncaught script error and no console error;
 *   - every request the page made (scripts, styles, images) succeeded;
 *   - every <img> has loaded (naturalWidth > 0);
 *   - every link inside the site points at a file that exists, and its
 *     #fragment at an id or name on that page;
 *   - where there is a navigation tree (GENERATE_TREEVIEW), it has entries;
 * and once, on the main page, the search box finds uds_send_all().
 * Links to other sites are counted, not fetched (CI may be offline).
 * Prints TAP: one line per page, plus the search; exit 1 on any failure.
 *
 * Needs playwright-core (tools/package.json; `npm install` beside a copy of
 * it and set NODE_PATH) and a Chromium: CHROMIUM, or /usr/bin/chromium
 * (Debian's package `chromium`).
 */
'use strict';

const fs = require('fs');
const path = require('path');
const http = require('http');

let chromium;
try {
    ({ chromium } = require('playwright-core'));
} catch (e) {
    console.log('1..0 # SKIP playwright-core is not installed (see tools/package.json)');
    process.exit(process.env.BROWSER_CHECK_REQUIRED ? 1 : 0);
}

const site = path.resolve(process.argv[2] || 'html');
const executable = process.env.CHROMIUM || '/usr/bin/chromium';
if (!fs.existsSync(path.join(site, 'index.html'))) {
    console.log(`Bail out! no ${path.join(site, 'index.html')}: build the site first (make html)`);
    process.exit(1);
}

const types = {
    '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css',
    '.png': 'image/png', '.svg': 'image/svg+xml', '.gif': 'image/gif',
    '.jpg': 'image/jpeg', '.map': 'application/json', '.json': 'application/json',
};

function serve() {
    const server = http.createServer((req, res) => {
        const url = new URL(req.url, 'http://localhost');
        let file = path.join(site, decodeURIComponent(url.pathname));
        if (!file.startsWith(site)) { res.writeHead(403); res.end(); return; }
        if (fs.existsSync(file) && fs.statSync(file).isDirectory()) file = path.join(file, 'index.html');
        fs.readFile(file, (err, data) => {
            if (err) { res.writeHead(404); res.end('not found'); return; }
            res.writeHead(200, { 'Content-Type': types[path.extname(file)] || 'application/octet-stream' });
            res.end(data);
        });
    });
    return new Promise(resolve => server.listen(0, '127.0.0.1', () => resolve(server)));
}

function pages(dir, rel = '') {
    let out = [];
    for (const e of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
        const r = rel ? `${rel}/${e.name}` : e.name;
        if (e.isDirectory()) out = out.concat(pages(dir, r));
        else if (e.name.endsWith('.html')) out.push(r);
    }
    return out.sort();
}

const idCache = new Map();
function idsOf(file) {
    if (!idCache.has(file)) {
        const text = fs.readFileSync(file, 'utf8');
        const ids = new Set();
        for (const m of text.matchAll(/\b(?:id|name)\s*=\s*"([^"]+)"/g)) ids.add(m[1]);
        idCache.set(file, ids);
    }
    return idCache.get(file);
}

async function main() {
    const server = await serve();
    const base = `http://127.0.0.1:${server.address().port}/`;
    const browser = await chromium.launch({ executablePath: executable, headless: true,
                                            args: ['--no-sandbox'] });
    const context = await browser.newContext();
    const list = pages(site);
    let n = 0, failed = 0, external = new Set();

    function result(ok, desc, problems) {
        n++;
        console.log(`${ok ? 'ok' : 'not ok'} ${n} - ${desc}`);
        if (!ok) { failed++; for (const p of problems) console.log(`# ${p}`); }
    }

    // One page after another would spend most of the time waiting for
    // each page to settle (networkidle); a few tabs at once, with the
    // results printed in the pages' order.
    async function check(rel) {
        const page = await context.newPage();
        const problems = [];
        page.on('pageerror', e => problems.push(`script error: ${e.message}`));
        page.on('console', m => {
            const where = (m.location() && m.location().url) || '';
            // Chromium asks every site for /favicon.ico; Doxygen makes none.
            if (m.type() === 'error' && !/favicon\.ico$/.test(where))
                problems.push(`console error: ${m.text()} ${where}`);
        });
        page.on('requestfailed', r => problems.push(`request failed: ${r.url()} (${r.failure() && r.failure().errorText})`));
        page.on('response', r => {
            if (r.status() >= 400 && !/favicon\.ico$/.test(r.url())) problems.push(`HTTP ${r.status()}: ${r.url()}`);
        });
        try {
            await page.goto(base + rel, { waitUntil: 'load', timeout: 60000 });
            await page.waitForLoadState('networkidle', { timeout: 60000 }).catch(() => {});
            // Scripts (the search box, the tree) set some images' src late.
            await page.waitForFunction(() => Array.from(document.images).every(i => i.complete),
                                       null, { timeout: 30000 }).catch(() => {});
            const info = await page.evaluate(() => ({
                links: Array.from(document.querySelectorAll('a[href]')).map(a => a.getAttribute('href')),
                images: Array.from(document.images).map(i => ({ src: i.getAttribute('src'), ok: i.complete && i.naturalWidth > 0 })),
                tree: document.getElementById('nav-tree') ? document.querySelectorAll('#nav-tree a').length : -1,
            }));
            for (const img of info.images) if (!img.ok) problems.push(`image did not load: ${img.src}`);
            if (info.tree === 0) problems.push('the navigation tree is empty');
            for (const href of info.links) {
                if (/^(javascript:|mailto:)/.test(href)) continue;
                if (/^[a-z]+:/i.test(href)) { external.add(href); continue; }
                const [p, frag] = href.split('#');
                const target = p ? path.normalize(path.join(site, path.dirname(rel), decodeURIComponent(p))) : path.join(site, rel);
                if (!target.startsWith(site) || !fs.existsSync(target)) {
                    problems.push(`broken link: ${href}`);
                } else if (frag && target.endsWith('.html') && !idsOf(target).has(decodeURIComponent(frag))) {
                    problems.push(`broken anchor: ${href}`);
                }
            }
        } catch (e) {
            problems.push(`could not load: ${e.message}`);
        }
        await page.close();
        return problems;
    }
    const found = new Array(list.length);
    let next = 0;
    async function tab() {
        while (next < list.length) { const k = next++; found[k] = await check(list[k]); }
    }
    await Promise.all(Array.from({ length: Math.min(4, list.length) }, tab));
    list.forEach((rel, k) => result(found[k].length === 0, rel, found[k]));

    // The search box: a script of its own, with its own data files.
    {
        const page = await context.newPage();
        const problems = [];
        page.on('pageerror', e => problems.push(`script error: ${e.message}`));
        try {
            await page.goto(base + 'index.html', { waitUntil: 'load' });
            const field = page.locator('#MSearchField');
            await field.click();
            await field.pressSequentially('uds_send', { delay: 50 });
            // The results are a page of their own (search/*.html) in an iframe.
            await page.waitForFunction(() => {
                const f = document.getElementById('MSearchResults');
                return f && f.contentDocument && /search\/(?!nomatches)/.test(f.contentWindow.location.href) &&
                    f.contentDocument.querySelectorAll('.SRResult').length > 0;
            }, null, { timeout: 30000 });
            const found = await page.evaluate(() => Array.from(document.getElementById('MSearchResults')
                .contentDocument.querySelectorAll('.SRResult')).filter(r => r.style.display !== 'none')
                .map(r => r.textContent.trim()));
            if (!found.some(t => t.includes('uds_send_all'))) problems.push(`results lack uds_send_all: ${found.join(', ')}`);
        } catch (e) {
            problems.push(`search did not answer: ${e.message.split('\n')[0]}`);
        }
        await page.close();
        result(problems.length === 0, 'the search box finds uds_send_all()', problems);
    }

    await browser.close();
    server.close();
    console.log(`# ${list.length} pages, ${external.size} links to other sites (not fetched)`);
    console.log(`1..${n}`);
    process.exit(failed ? 1 : 0);
}

main().catch(e => { console.log(`Bail out! ${e.stack || e}`); process.exit(1); });
