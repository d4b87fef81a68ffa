"""The HTML report in a real browser: headless Debian Chromium driven by Playwright (never a downloaded browser).

Reports are generated from test_data/cases by the CLI. The checks: no network request at all,
sorting and filtering work (mouse and keyboard), the first screen holds the tumour-board answer,
axe-core finds no violations, print shows every row, --pdf carries the subtype, and untrusted
text never runs. A missing /usr/bin/chromium FAILS these tests (CI installs it in .ci/run).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import CASES

from leuk_annot import cli

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run", "--disable-quic",
    "--host-resolver-rules=MAP * ~NOTFOUND",  # network blocked: no host name resolves
]  # fmt: skip
XSS = "<script>alert(1)</script>"
DEMO_SUBTYPE = "B-lymphoblastic leukaemia/lymphoma with BCR::ABL1 fusion"
# A CD19 stop-gain whose VEP HGVS fields carry markup: it becomes a lesion, a table row, a
# critical "immunotherapy escape" flag and a label in the VAF plot.
XSS_RECORD = (
    "chr16\t28932000\t.\tC\tT\t.\tPASS\tCSQ=T|stop_gained|HIGH|CD19|ENSG00000177455|Transcript|"
    f"ENST00000538922.8|protein_coding|2/15||ENST00000538922.8:c.300C>T{XSS}|ENSP0000:p.Trp100Ter{XSS}|1|YES|"
    "NM_001178098.2\tGT:AD:DP\t0/0:40,0:40\t0/1:30,20:50\n"
)


def _require(module: str):
    """Import a test-extra package, failing (not skipping) with the fix when it is missing."""
    import importlib

    try:
        return importlib.import_module(module)
    except ImportError:
        pytest.fail(f"{module} is missing: pip install -e '.[test]'")


def _annotate(outdir: Path, *args: object) -> Path:
    status = cli.main(["annotate", *(str(a) for a in args), "-o", str(outdir)])
    assert status == 0
    (html,) = outdir.glob("*.leuk-annot.html")
    return html


@pytest.fixture(scope="module")
def reports(tmp_path_factory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("reports")
    demo = CASES / "demo"
    xss_vcf = root / "xss.vcf"
    xss_vcf.write_text((demo / "DEMO_REL.vcf").read_text(encoding="utf-8") + XSS_RECORD, encoding="utf-8")
    return {
        "demo": _annotate(root / "demo", demo / "DEMO_REL.vcf", "--fusions", demo / "DEMO_REL.fusions.tsv"),
        "cnv": _annotate(root / "cnv", "--cnv", CASES / "cnv_iamp21" / "sample.seg", "--genome", "GRCh38"),
        "xss": _annotate(root / "xss", xss_vcf, "--fusions", demo / "DEMO_REL.fusions.tsv", "--sample-id", f"X{XSS}"),
    }


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.is_file():
        pytest.fail(f"{CHROMIUM} not found: install Debian's chromium (apt-get install -y chromium); .ci/run does this")
    sync_playwright = _require("playwright.sync_api").sync_playwright  # never run `playwright install`
    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


class Session:
    """A page in an offline context that records every request and aborts any that is not file: or data:."""

    def __init__(self, browser, **context_options):
        self.context = browser.new_context(offline=True, viewport={"width": 1366, "height": 768}, **context_options)
        self.external: list[str] = []
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        self.context.route("**/*", self._route)
        self.page = self.context.new_page()
        self.page.on("request", self._request)
        self.page.on("pageerror", lambda exc: self.errors.append(str(exc)))
        self.page.on("dialog", self._dialog)

    @staticmethod
    def _local(url: str) -> bool:
        return url.startswith(("file:", "data:", "about:"))

    def _route(self, route):
        if self._local(route.request.url):
            route.continue_()
        else:
            self.external.append(route.request.url)
            route.abort()

    def _request(self, request):
        if not self._local(request.url):
            self.external.append(request.url)

    def _dialog(self, dialog):
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def open(self, path: Path):
        self.page.goto(path.as_uri())
        self.page.wait_for_load_state("load")
        return self.page

    def close(self):
        self.context.close()


@pytest.fixture
def session(browser):
    s = Session(browser)
    yield s
    s.close()


def _column(page, table_id: str, index: int) -> list[str]:
    return page.eval_on_selector_all(
        f"#{table_id} tbody tr", f"rows => rows.map(r => r.cells[{index}].textContent.trim())"
    )


def test_request_recorder_sees_external_requests(session):
    """Control for the zero-request tests: a page that does fetch is caught."""
    session.page.set_content('<img src="https://example.org/x.png" alt="">')
    session.page.wait_for_timeout(200)
    assert any("example.org" in url for url in session.external)


@pytest.mark.parametrize("name", ["demo", "cnv"])
def test_report_makes_zero_network_requests_and_runs_without_errors(session, reports, name):
    page = session.open(reports[name])
    page.mouse.wheel(0, 20000)  # scroll through everything, plots included
    page.emulate_media(media="print")
    page.wait_for_timeout(100)
    assert session.external == []
    assert session.errors == []
    assert page.evaluate("document.documentElement.classList.contains('js')")  # our script ran under the CSP


def test_sorting_by_a_column_changes_row_order_and_sets_aria_sort(session, reports):
    page = session.open(reports["demo"])
    labels = _column(page, "lesions-table", 0)
    assert labels[0].startswith("TPMT")  # result order
    vaf_header = page.locator("#lesions-table thead th", has_text="VAF")
    vaf_header.get_by_role("button").click()
    assert vaf_header.get_attribute("aria-sort") == "ascending"
    assert _column(page, "lesions-table", 5) == ["41.9%", "48.3%", "—"]  # unknown VAF last
    vaf_header.get_by_role("button").click()
    assert vaf_header.get_attribute("aria-sort") == "descending"
    assert _column(page, "lesions-table", 5) == ["48.3%", "41.9%", "—"]
    # keyboard: the header buttons are focusable and operable with Enter
    lesion_header = page.locator("#lesions-table thead th").first
    lesion_header.get_by_role("button").focus()
    page.keyboard.press("Enter")
    assert lesion_header.get_attribute("aria-sort") == "ascending"
    assert vaf_header.get_attribute("aria-sort") is None
    assert _column(page, "lesions-table", 0) == sorted(labels, key=str.lower)


def test_filtering_hides_non_matching_rows_and_print_shows_them_again(session, reports):
    page = session.open(reports["demo"])
    rows = page.locator("#therapies-table tbody tr")
    total = rows.count()
    page.fill("#therapies-table-filter", "ponatinib")
    visible = [r for r in rows.all() if r.is_visible()]
    assert 0 < len(visible) < total
    assert all("ponatinib" in r.text_content() for r in visible)
    assert re.search(rf"Showing {len(visible)} of {total} rows", page.text_content("#therapies .table-status"))
    page.emulate_media(media="print")
    assert all(r.is_visible() for r in rows.all())  # print shows every row
    assert not page.locator("#therapies-table-filter").is_visible()  # and no controls
    assert page.locator("#therapies-table thead th").first.is_visible()
    after = page.eval_on_selector(
        "#citations a[href^='https']", "a => getComputedStyle(a, '::after').getPropertyValue('content')"
    )
    assert "https://" in after  # citation URLs are printed


def test_first_screen_holds_the_tumour_board_answer(session, reports, tmp_path):
    page = session.open(reports["demo"])
    for selector in ("#sample-id", "#primary-subtype", "#primary-subtype-icc", "#risk", "#actionable",
                     "#critical-germline", "#critical-pgx", "#critical-immunotherapy"):
        box = page.locator(selector).bounding_box()
        assert box is not None and box["y"] + box["height"] <= 768, f"{selector} is below the first screen"
    assert page.text_content("#primary-subtype").strip() == DEMO_SUBTYPE
    shot = tmp_path / "first-screen.png"
    page.screenshot(path=str(shot))
    data = shot.read_bytes()
    assert data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) > 10_000


@pytest.mark.parametrize("name", ["demo", "cnv"])
def test_axe_core_finds_no_violations(browser, reports, name):
    axe_js = Path(_require("axe_playwright_python").__file__).with_name("axe.min.js")
    if not axe_js.is_file():
        pytest.fail(f"{axe_js} missing: axe-playwright-python should bundle axe-core (pip install -e '.[test]')")
    s = Session(browser, bypass_csp=True)  # the report's CSP would (rightly) refuse the injected axe script
    try:
        page = s.open(reports[name])
        page.add_script_tag(content=axe_js.read_text(encoding="utf-8"))
        results = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
        violations = [f"{v['id']}: {v['help']} ({len(v['nodes'])} nodes: {v['nodes'][0]['target']})"
                      for v in results["violations"]]
        assert violations == []
        assert results["passes"], "axe ran no checks"
        assert s.external == []
    finally:
        s.close()


def test_untrusted_text_is_escaped_and_never_runs(browser, reports):
    # CSP bypassed on purpose: this checks the escaping itself, not the policy that backs it up.
    s = Session(browser, bypass_csp=True)
    try:
        page = s.open(reports["xss"])
        page.wait_for_timeout(200)
        assert s.dialogs == [], "a script from the input ran"
        assert page.text_content("#sample-id") == f"X{XSS}"  # shown as literal text
        assert XSS in page.text_content("#lesions-table")
        assert XSS.replace("(1)", "1") in page.text_content("#critical-immunotherapy")  # CD19 escape flag
        assert page.evaluate("document.querySelectorAll('script').length") == 1  # ours only
        assert "alert" in page.text_content("#vaf-plot")  # the SVG label is text, not markup
    finally:
        s.close()


def test_pdf_renders_and_contains_the_subtype(tmp_path):
    if not CHROMIUM.is_file():
        pytest.fail(f"{CHROMIUM} not found: install Debian's chromium (apt-get install -y chromium)")
    pypdf = _require("pypdf")
    demo = CASES / "demo"
    _annotate(tmp_path, demo / "DEMO_REL.vcf", "--fusions", demo / "DEMO_REL.fusions.tsv", "--pdf")
    pdf = tmp_path / "DEMO_REL_T.leuk-annot.pdf"
    assert pdf.read_bytes().startswith(b"%PDF")
    reader = pypdf.PdfReader(str(pdf))
    text = " ".join(" ".join(page.extract_text().split()) for page in reader.pages)
    assert DEMO_SUBTYPE in text
    assert "ponatinib" in text and "DEMO_REL_T" in text
    assert not list(tmp_path.glob(".*.tmp"))  # no temporary file left behind
