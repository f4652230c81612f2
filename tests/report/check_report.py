#!/usr/bin/env python3
"""Opens noron's HTML report in headless Chromium (through Selenium and the
system's chromedriver) and checks it as a reader would get it: it loads
nothing from anywhere, the browser logs no error, its text names every area
and every library, a screenshot shows it, at a phone's width only the
matrix's own box scrolls sideways, and printed it is A4 landscape.

Prints TAP-like "ok - ..." / "not ok - ..." lines; exits 1 when one failed.
Standard library and python3-selenium only; nothing is downloaded (the
driver is given, so Selenium Manager never runs).
"""
import argparse
import base64
import json
import os
import re
import shutil
import sys
import tempfile

from selenium import webdriver
from selenium.webdriver.chrome.service import Service

failed = 0


def result(ok, desc, why=""):
    global failed
    print(("ok - " if ok else "not ok - ") + desc)
    if not ok:
        failed += 1
        for line in str(why).splitlines()[:20]:
            print("#   " + line)


def names(areas_json, insts_json):
    areas = json.load(open(areas_json, encoding="utf-8"))["records"]
    insts = json.load(open(insts_json, encoding="utf-8"))["records"]
    want = [("area", a["title"]) for a in areas]
    for i in insts:
        want += [("institution code", i["code"]), ("institution name", i["name"])]
    return want


def start(args, profile):
    opts = webdriver.ChromeOptions()
    opts.binary_location = args.chromium
    for a in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
              "--user-data-dir=" + profile, "--no-first-run", "--no-default-browser-check",
              "--disable-extensions", "--disable-background-networking",
              "--window-size=1280,900"):
        opts.add_argument(a)
    opts.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    return webdriver.Chrome(service=Service(args.driver), options=opts)


def check_desktop(d, args, url, name, want):
    d.get(url)
    resources = d.execute_script("return performance.getEntriesByType('resource').length")
    result(resources == 0, "the page loads nothing besides itself",
           "%s resources were requested" % resources)
    active = d.execute_script(
        "return document.querySelectorAll('script,img,link,iframe,object,embed,form').length")
    result(active == 0, "no script, image, link, frame, object or form element",
           "%s found" % active)
    severe = [e for e in d.get_log("browser") if e.get("level") == "SEVERE"]
    result(not severe, "the browser logs no error", json.dumps(severe, indent=1))
    text = d.execute_script("return document.body.innerText")
    missing = ["%s %r" % w for w in want if w[1] not in text]
    result(not missing, "the page's text names every area (%d) and every library"
           % sum(1 for w in want if w[0] == "area"), "\n".join(missing))
    shot = os.path.join(args.shots, name + "-desktop.png")
    d.save_screenshot(shot)
    png = open(shot, "rb").read()
    result(png.startswith(b"\x89PNG") and len(png) > 20000,
           "a screenshot at 1280x900 shows it (%d bytes)" % len(png))


def check_phone(d, args, url, name):
    d.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                      {"width": 390, "height": 844, "deviceScaleFactor": 2, "mobile": True})
    d.get(url)
    m = d.execute_script("""
        const box = document.querySelector('table.matrix').parentElement;
        return {inner: window.innerWidth, doc: document.documentElement.scrollWidth,
                body: document.body.scrollWidth, box: box.clientWidth,
                boxScroll: box.scrollWidth, overflow: getComputedStyle(box).overflowX};""")
    result(m["inner"] == 390, "the phone's viewport is 390 pixels wide (the viewport meta)",
           json.dumps(m))
    result(m["doc"] <= m["inner"] and m["body"] <= m["inner"],
           "at 390x844 nothing but the matrix's box is wider than the screen", json.dumps(m))
    result(m["boxScroll"] > m["box"] and m["overflow"] in ("auto", "scroll"),
           "the matrix scrolls sideways in its own box", json.dumps(m))
    wide = d.execute_script("""
        const w = window.innerWidth, out = [];
        for (const e of document.body.querySelectorAll('*')) {
            if (e.closest('.scroll')) continue;
            const r = e.getBoundingClientRect();
            if (r.right > w + 0.5) out.push(e.tagName + ' ' + Math.round(r.right));
        }
        return out;""")
    result(not wide, "no element outside a scroll box reaches past the screen's edge",
           "\n".join(wide))
    shot = os.path.join(args.shots, name + "-phone.png")
    d.save_screenshot(shot)
    png = open(shot, "rb").read()
    result(png.startswith(b"\x89PNG") and len(png) > 10000,
           "a screenshot at 390x844 shows it (%d bytes)" % len(png))
    d.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})


def check_print(d, args, url, name):
    d.get(url)
    pdf = base64.b64decode(d.execute_cdp_cmd(
        "Page.printToPDF", {"preferCSSPageSize": True, "printBackground": True})["data"])
    open(os.path.join(args.shots, name + ".pdf"), "wb").write(pdf)
    boxes = re.findall(rb"/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)\s*\]", pdf)
    landscape = bool(boxes) and all(abs(float(w) - 841.9) < 2 and abs(float(h) - 595.3) < 2
                                    for w, h in boxes)
    result(pdf.startswith(b"%PDF") and landscape,
           "printed, it is A4 landscape (%d pages)" % len(boxes), repr(boxes[:3]))


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--chromium", required=True)
    p.add_argument("--driver", required=True)
    p.add_argument("--areas", required=True)
    p.add_argument("--institutions", required=True)
    p.add_argument("--shots", required=True)
    p.add_argument("pages", nargs="+")
    args = p.parse_args()
    want = names(args.areas, args.institutions)
    profile = tempfile.mkdtemp(prefix="noron-chromium.")
    try:
        d = start(args, profile)
    except Exception as e:  # the browser or the driver does not start
        shutil.rmtree(profile, ignore_errors=True)
        result(False, "headless Chromium starts", e)
        return 1
    try:
        for page in args.pages:
            url = "file://" + os.path.abspath(page)
            name = os.path.splitext(os.path.basename(page))[0]
            print("# " + name)
            check_desktop(d, args, url, name, want)
            check_phone(d, args, url, name)
            check_print(d, args, url, name)
    finally:
        d.quit()
        shutil.rmtree(profile, ignore_errors=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
