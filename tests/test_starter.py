"""The service starter page (starter/, docs/starter.md), tested over HTTP and in a browser.

Every server here is `python -m starter` in a process of its own, against a git copy of
the template (TEMPLATE_URL), as a platform team runs it. Renders are few (each is a real
`copier copy` of seconds): one compared with Copier's own copy and updated, one from
the page in headless Chromium whose own tests then run, and the limits' two.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import shutil
import socket
import subprocess
import sys
import threading
import time
import zipfile
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import harness
import httpx
import pytest
import yaml
from matrix import TEMPLATE_ROOT
from template_repo import IDENTITY, TemplateRepo, update_ok

SCREENSHOT = TEMPLATE_ROOT / "docs" / "starter.png"
SECURITY_HEADERS = {
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "no-referrer",
    "cross-origin-opener-policy": "same-origin",
    "cross-origin-resource-policy": "same-origin",
    "cache-control": "no-store",
}
# What a render does not reproduce byte for byte: .env's SECRET_KEY is random per render.
RANDOM_LINE = re.compile(rb"^SECRET_KEY=.*$", re.M)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextlib.contextmanager
def starter_server(template: Path, tmp: Path, **settings: str) -> Iterator[str]:
    """`python -m starter` on a free port; its base URL. Renders use tmp as TMPDIR."""
    port = free_port()
    (tmp / "renders").mkdir(parents=True, exist_ok=True)
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "STARTER_"))},
        "TEMPLATE_URL": str(template),
        "HOST": "127.0.0.1",
        "PORT": str(port),
        "TMPDIR": str(tmp / "renders"),
        **settings,
    }
    log = (tmp / f"server-{port}.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "starter"],
        cwd=TEMPLATE_ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            assert process.poll() is None, (tmp / f"server-{port}.log").read_text()
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"{base}/healthz", timeout=2).status_code == 200:
                    break
            assert time.monotonic() < deadline, "the starter page did not start in 120s"
            time.sleep(0.2)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> TemplateRepo:
    """A git copy of the template (working tree), released as v1.0.0."""
    return TemplateRepo.from_working_tree(tmp_path_factory.mktemp("starter") / "template")


@pytest.fixture(scope="module")
def server_tmp(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The default server's folder: its log, and `renders/` (its TMPDIR)."""
    return tmp_path_factory.mktemp("server")


@pytest.fixture(scope="module")
def server(template: TemplateRepo, server_tmp: Path) -> Iterator[str]:
    with starter_server(template.path, server_tmp) as base:
        yield base


def copier_message(answers: Mapping[str, Any], template: Path, dst: Path) -> str:
    """The message Copier's own API gives for answers it refuses."""
    import copier

    with pytest.raises(ValueError, match=r".") as refused:
        copier.run_copy(
            str(template), dst, data=dict(answers), defaults=True, unsafe=True, quiet=True
        )
    return str(refused.value)


def files(root: Path) -> dict[str, tuple[bytes, bool]]:
    """Every working-tree file (not .git) and whether it is executable; .env's random
    secret masked."""
    found = {}
    for path in sorted(root.rglob("*")):
        relpath = path.relative_to(root)
        if path.is_file() and relpath.parts[0] != ".git":
            content = path.read_bytes()
            if relpath.name == ".env":
                content = RANDOM_LINE.sub(b"SECRET_KEY=<random>", content)
            found[relpath.as_posix()] = (content, os.access(path, os.X_OK))
    return found


def unzip(content: bytes, dst: Path) -> list[str]:
    """Extract with `unzip` (keeps modes); the archive's names."""
    names = zipfile.ZipFile(io.BytesIO(content)).namelist()
    (dst / "service.zip").write_bytes(content)
    subprocess.run(["unzip", "-q", "service.zip"], cwd=dst, check=True)
    (dst / "service.zip").unlink()
    return names


def git(cwd: Path, *args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=cwd, capture_output=True, text=True, check=True
    ).stdout.strip()


# --- The API ------------------------------------------------------------------


def test_catalog_lists_every_question_of_copier_yml_from_copier_itself(
    server: str, template: TemplateRepo
) -> None:
    from copier.template import Template

    questions_data = Template(str(template.path)).questions_data
    asked = [n for n, d in questions_data.items() if d.get("when", True) is not False]
    catalog = httpx.get(f"{server}/api/catalog").json()
    by_name = {q["name"]: q for q in catalog["questions"]}

    assert list(by_name) == asked
    assert "is_python" not in by_name  # computed (`when: false`) values are not questions
    assert "package_name" not in by_name
    assert not any(name.startswith("_") for name in by_name)
    for name, question in by_name.items():
        assert question["help"] == questions_data[name]["help"]
    frameworks = questions_data["framework"]["choices"]
    assert [(c["label"], c["value"]) for c in by_name["framework"]["choices"]] == list(
        frameworks.items()
    )
    assert by_name["database"]["default"] == questions_data["database"]["default"]
    assert by_name["project_slug"]["default"] == "my-service"  # Copier renders the default
    assert by_name["project_slug"]["default_is_computed"] is True
    assert by_name["python_version"]["when"] == questions_data["python_version"]["when"]
    assert [c["value"] for c in by_name["use_redis"]["choices"]] == [True, False]
    for question in by_name.values():
        for choice in question["choices"] or []:
            assert isinstance(choice["excludes"], dict)
            assert isinstance(choice["hides"], list)
    assert catalog["template"]["url"] == str(template.path)


@pytest.fixture(scope="module")
def variant_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The page on a variant of the template: a non-Python framework choice (so
    `python_version`'s `when:` turns false) and a validator refusing Redis with SQLite."""
    tmp = tmp_path_factory.mktemp("variant")
    variant = TemplateRepo.from_working_tree(tmp / "variant")
    variant.replace(
        "copier.yml",
        "    FastAPI (Python, async): fastapi\n",
        "    FastAPI (Python, async): fastapi\n    Other (not Python): other\n",
    )
    variant.replace(
        "copier.yml",
        "  help: Use Redis",
        "  validator: \"{% if use_redis and database == 'sqlite' %}Redis needs a server "
        'database.{% endif %}"\n  help: Use Redis',
    )
    variant.release("v1.1.0", "a variant")
    with starter_server(variant.path, tmp) as base:
        yield base


def test_catalog_derives_exclusions_and_hidden_questions_from_the_template(
    variant_server: str,
) -> None:
    """A validator that refuses a pair and a choice that turns a `when:` off show up in
    the catalogue and in /api/validate without a change to the starter's code."""
    base = variant_server
    catalog = httpx.get(f"{base}/api/catalog").json()
    by_name = {q["name"]: q for q in catalog["questions"]}
    choices = {c["value"]: c for c in by_name["database"]["choices"]}
    assert choices["sqlite"]["excludes"] == {"use_redis": [True]}
    assert choices["postgresql"]["excludes"] == {}
    redis = {c["value"]: c for c in by_name["use_redis"]["choices"]}
    assert redis[True]["excludes"] == {"database": ["sqlite"]}
    framework = {c["value"]: c for c in by_name["framework"]["choices"]}
    assert framework["other"]["hides"] == ["python_version"]
    assert framework["fastapi"]["hides"] == []

    verdict = httpx.get(
        f"{base}/api/validate", params={"framework": "other", "python_version": "3.12"}
    ).json()
    assert verdict["applicable"]["python_version"] is False
    assert "python_version" not in verdict["answers"]  # ignored where not asked
    refused = httpx.get(f"{base}/starter.zip", params={"use_redis": "true"})
    assert refused.status_code == 400
    assert refused.json()["errors"]["use_redis"] == (
        "Validation error for question 'use_redis': Redis needs a server database."
    )


def test_a_bad_answer_is_400_with_copiers_message_and_renders_nothing(
    server: str, template: TemplateRepo, tmp_path: Path
) -> None:
    answers = {"project_slug": "app", "author_email": "nobody", "database": "oracle"}
    response = httpx.get(f"{server}/starter.zip", params=answers)
    assert response.status_code == 400
    assert response.headers["content-type"] == "application/json"
    errors = response.json()["errors"]
    assert set(errors) == set(answers)
    for name, value in answers.items():
        assert errors[name] == copier_message({name: value}, template.path, tmp_path / name)
    assert 'The slug "app" is reserved' in errors["project_slug"]

    # The page's form without JavaScript: the page again, the message by its field.
    page = httpx.get(f"{server}/generate", params={"project_slug": "app", "database": ""})
    assert page.status_code == 400
    assert page.headers["content-type"].startswith("text/html")
    field = page.text.split('data-question="project_slug"', 1)[1].split("</div>", 1)[0]
    assert "is reserved (it would shadow a Python module or tool)" in field
    assert 'value="app"' in field


def test_only_known_questions_are_accepted_and_no_answer_reaches_a_path(server: str) -> None:
    for name in ("_subdirectory", "_src_path", "_tasks", "_copier_conf", "is_python", "x"):
        response = httpx.get(f"{server}/starter.zip", params={name: "../../etc"})
        assert response.status_code == 400
        assert response.json()["errors"] == {name: f'Unknown question "{name}".'}
    for slug in ("../../tmp/x", "/etc", "a/../../b", "..", "my service"):
        response = httpx.get(f"{server}/starter.zip", params={"project_slug": slug})
        assert response.status_code == 400
        assert "is not valid" in response.json()["errors"]["project_slug"]
    repeated = httpx.get(f"{server}/starter.zip?database=sqlite&database=mysql")
    assert repeated.status_code == 400


def test_security_headers_on_the_page_and_the_api(server: str) -> None:
    page = httpx.get(f"{server}/")
    api = httpx.get(f"{server}/api/catalog")
    missing = httpx.get(f"{server}/nothing-here")
    for response in (page, api, missing):
        for name, value in SECURITY_HEADERS.items():
            assert response.headers[name] == value, name
    assert "script-src 'self';" in page.headers["content-security-policy"]
    assert "unsafe-inline" not in page.headers["content-security-policy"]
    assert api.headers["content-security-policy"].startswith("default-src 'none'")
    assert '<script src="/static/starter.js"' in page.text
    assert "https://" not in page.text.split("<body>")[0]  # no CDN


def test_zip_equals_copier_copy_and_the_service_updates(
    server: str, server_tmp: Path, template: TemplateRepo, tmp_path: Path
) -> None:
    """Same files as `copier copy` with the same answers, one commit, `_src_path` at
    TEMPLATE_URL; `copier update` then brings a new release. Answers stay data: Jinja
    and shell syntax in them come out literally and run nothing."""
    marker = tmp_path / "PWNED"
    answers = {
        "project_name": "Orders API",
        "database": "postgresql",
        "auth": "session",
        "license": "Apache-2.0",
        "description": "Uses {{ 7*7 }} and $(touch " + str(marker) + ")",
        "author_name": "Ops; touch " + str(marker),
    }
    started = time.monotonic()
    response = httpx.get(f"{server}/starter.zip", params=answers, timeout=300)
    elapsed = time.monotonic() - started
    assert response.status_code == 200, response.text
    assert response.headers["content-disposition"] == 'attachment; filename="orders-api.zip"'
    names = unzip(response.content, tmp_path)
    assert all(n.startswith("orders-api/") and ".." not in n.split("/") for n in names)
    service = tmp_path / "orders-api"
    # The render's folder and Copier's clone for it are gone; what stays is the page's
    # own clone of the template (read at start) and its preview folder.
    left = sorted(p.name for p in (server_tmp / "renders").iterdir())
    assert len(left) == 2, left
    assert left[0].startswith("copier._vcs.clone."), left
    assert left[1].startswith("starter-preview-"), left

    reference = tmp_path / "reference" / "orders-api"
    reference.parent.mkdir()
    result = subprocess.run(
        [sys.executable, "-m", "copier", "copy", "--trust", "--defaults", "--quiet"]
        + [arg for k, v in answers.items() for arg in ("--data", f"{k}={v}")]
        + [str(template.path), str(reference)],
        env={**os.environ, **IDENTITY},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert files(service) == files(reference)
    assert (service / "uv.lock").exists()
    assert git(service, "rev-list", "--count", "HEAD") == "1"
    assert git(service, "status", "--porcelain") == ""
    recorded = yaml.safe_load((service / ".copier-answers.yml").read_text())
    assert recorded["_src_path"] == str(template.path)
    assert recorded["database"] == "postgresql"
    assert recorded["description"] == answers["description"]
    component, api = yaml.safe_load_all((service / "catalog-info.yaml").read_text())
    assert component["kind"] == "Component"
    assert component["metadata"]["name"] == "orders-api"
    assert component["metadata"]["description"] == answers["description"]  # {{ 7*7 }} as is
    assert component["spec"]["type"] == "service"
    assert component["spec"]["owner"] == "ops-touch-" + re.sub(
        r"[^a-z0-9]+", "-", str(marker).lower()
    ).strip("-")
    assert component["spec"]["providesApis"] == [api["metadata"]["name"]]
    assert api["kind"] == "API"
    assert api["spec"]["type"] == "openapi"
    assert api["spec"]["definition"] == {"$text": "./openapi.json"}
    assert not marker.exists()
    print(f"render over HTTP: {elapsed:.1f}s")

    template.write("template/fastapi/NEWS.md", "A file from release 1.1.0.\n")
    template.release("v1.1.0", "a new release")
    update_ok(service)
    assert (service / "NEWS.md").read_text() == "A file from release 1.1.0.\n"
    assert yaml.safe_load((service / ".copier-answers.yml").read_text())["_commit"] == "v1.1.0"


def test_limits_size_concurrency_time_and_rate(template: TemplateRepo, tmp_path: Path) -> None:
    """One render at a time and none waiting (503), one second per render (the render is
    killed and its folder removed), two renders a minute per client (429); refused
    answers render nothing and are not counted."""
    limits = {
        "STARTER_MAX_RENDERS": "1",
        "STARTER_MAX_QUEUED": "0",
        "STARTER_QUEUE_SECONDS": "0",
        "STARTER_RENDER_TIMEOUT": "1",
        "STARTER_RENDERS_PER_MINUTE": "2",
        "STARTER_MAX_REQUEST_BYTES": "2048",
    }
    with starter_server(template.path, tmp_path, **limits) as base:
        too_long = httpx.get(f"{base}/api/validate", params={"project_name": "x" * 4096})
        assert too_long.status_code == 414
        too_big = httpx.post(f"{base}/api/validate", content=b"x" * 4096)
        assert too_big.status_code == 413

        first: dict[str, httpx.Response] = {}
        slow = threading.Thread(
            target=lambda: first.update(r=httpx.get(f"{base}/starter.zip", timeout=60))
        )
        slow.start()
        time.sleep(0.5)  # the first render holds the only slot (a render takes seconds)
        busy = httpx.get(f"{base}/starter.zip", timeout=60)
        slow.join()
        assert busy.status_code == 503
        assert int(busy.headers["retry-after"]) > 0
        assert first["r"].status_code == 500
        assert "took longer than 1s" in first["r"].json()["error"]
        assert not list((tmp_path / "renders").glob("starter-render-*"))

        for _ in range(3):
            assert httpx.get(f"{base}/starter.zip?project_slug=app").status_code == 400
        limited = httpx.get(f"{base}/starter.zip?project_slug=my-app")
        assert limited.status_code == 429
        assert 0 < int(limited.headers["retry-after"]) <= 60
        assert limited.headers["x-frame-options"] == "DENY"
        assert httpx.get(f"{base}/api/catalog").status_code == 200  # other routes unaffected


# --- The page, in headless Chromium -------------------------------------------


def chromium() -> tuple[str, str]:
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    driver = shutil.which("chromedriver")
    if not (browser and driver):
        if harness.in_ci():
            pytest.fail("chromium and chromium-driver are missing (.ci/run installs them)")
        pytest.skip("chromium or chromedriver missing: apt-get install -y chromium chromium-driver")
    return browser, driver


@contextlib.contextmanager
def chrome(downloads: Path) -> Iterator[Any]:
    """Headless Chromium through Selenium, saving downloads into `downloads`."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    browser, driver_path = chromium()
    downloads.mkdir(exist_ok=True)
    options = webdriver.ChromeOptions()
    options.binary_location = browser
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=1280,1200"):
        options.add_argument(flag)
    options.add_experimental_option(
        "prefs",
        {"download.default_directory": str(downloads), "download.prompt_for_download": False},
    )
    driver = webdriver.Chrome(service=Service(driver_path), options=options)
    try:
        yield driver
    finally:
        driver.quit()


def test_the_page_in_chromium_hides_questions_and_shows_copiers_messages(
    variant_server: str, tmp_path: Path
) -> None:
    """A question whose `when:` turns false is hidden (and not sent); a pair a validator
    refuses shows Copier's message by the field, and Generate renders nothing."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select, WebDriverWait

    with chrome(tmp_path / "downloads") as driver:
        wait = WebDriverWait(driver, 30)
        driver.get(variant_server + "/")
        python = driver.find_element(By.CSS_SELECTOR, '[data-question="python_version"]')
        assert python.is_displayed()
        Select(driver.find_element(By.ID, "q-framework")).select_by_value("other")
        wait.until(lambda d: not python.is_displayed())
        assert not driver.find_element(By.ID, "q-python_version").is_enabled()
        wait.until(lambda d: "python_version" not in d.find_element(By.ID, "curl").text)
        Select(driver.find_element(By.ID, "q-framework")).select_by_value("fastapi")
        wait.until(lambda d: python.is_displayed())

        Select(driver.find_element(By.ID, "q-use_redis")).select_by_value("true")
        message = "Redis needs a server database."
        wait.until(lambda d: message in d.find_element(By.ID, "error-use_redis").text)
        driver.find_element(By.ID, "generate").click()
        wait.until(lambda d: "nothing was rendered" in d.find_element(By.ID, "status").text)
        Select(driver.find_element(By.ID, "q-database")).select_by_value("postgresql")
        wait.until(lambda d: d.find_element(By.ID, "error-use_redis").text == "")
    assert not list((tmp_path / "downloads").iterdir())


def test_the_page_in_chromium_generates_a_service_whose_tests_pass(
    server: str, tmp_path: Path
) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select, WebDriverWait

    downloads = tmp_path / "downloads"
    with chrome(downloads) as driver:
        wait = WebDriverWait(driver, 30)
        driver.get(server + "/")
        labels = [e.text for e in driver.find_elements(By.CSS_SELECTOR, ".question .name")]
        assert labels[:2] == ["project_name", "project_slug"]
        assert "framework" in labels
        assert "is_python" not in labels

        # A bad answer: Copier's message next to the field, nothing rendered.
        slug = driver.find_element(By.ID, "q-project_slug")
        slug.send_keys("app")
        driver.find_element(By.ID, "generate").click()
        wait.until(lambda d: "is reserved" in d.find_element(By.ID, "error-project_slug").text)
        assert not list(downloads.iterdir())

        # Good answers: the computed slug follows the name; Generate downloads the zip.
        slug.clear()
        name = driver.find_element(By.ID, "q-project_name")
        name.clear()
        name.send_keys("Browser Demo")
        wait.until(lambda d: slug.get_attribute("placeholder") == "browser-demo")
        wait.until(lambda d: d.find_element(By.ID, "error-project_slug").text == "")
        Select(driver.find_element(By.ID, "q-license")).select_by_value("BSD-3-Clause")
        Select(driver.find_element(By.ID, "q-ci_provider")).select_by_value("gitlab")
        Select(driver.find_element(By.ID, "q-python_version")).select_by_value("3.11")
        wait.until(lambda d: "ci_provider=gitlab" in d.find_element(By.ID, "curl").text)
        curl = driver.find_element(By.ID, "curl").text
        assert "project_name=Browser+Demo&license=BSD-3-Clause&ci_provider=gitlab" in curl
        assert driver.find_element(By.ID, "status").text == ""
        driver.save_screenshot(str(SCREENSHOT))
        driver.find_element(By.ID, "generate").click()
        deadline = time.monotonic() + 300
        zips: list[Path] = []
        while not zips:
            assert time.monotonic() < deadline, "no download after 300s"
            time.sleep(0.5)
            zips = [p for p in downloads.glob("*.zip") if not p.name.endswith(".crdownload")]
        time.sleep(0.5)

    assert [p.name for p in zips] == ["browser-demo.zip"]
    unzip(zips[0].read_bytes(), tmp_path)
    service = tmp_path / "browser-demo"
    answers = yaml.safe_load((service / ".copier-answers.yml").read_text())
    assert answers["project_name"] == "Browser Demo"
    assert answers["project_slug"] == "browser-demo"
    assert answers["framework"] == "fastapi"
    assert answers["license"] == "BSD-3-Clause"
    assert answers["ci_provider"] == "gitlab"
    assert (service / ".gitlab-ci.yml").exists()
    assert git(service, "rev-list", "--count", "HEAD") == "1"

    env = harness.clean_env(service, ENVIRONMENT="test")
    harness.make_ok(service, "install", env)
    output = harness.make_ok(service, "test", env)
    assert re.search(r"\b\d+ passed\b", output), output[-3000:]
