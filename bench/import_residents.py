#!/usr/bin/env python
"""Excel import benchmark, on PostgreSQL: 100,000 residents checked and committed, against reading alone.

Usage:  DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/import_residents.py
        [--rows 100000] [--engines calamine,openpyxl] [--keep]

It creates a throwaway database ``linli_bench_import`` on that server, migrates it, builds one community with
2,000 houses, writes an xlsx of ``--rows`` residents with valid 340504 ID numbers (openpyxl write-only), then
for each engine measures, in the same run:

* reading the file alone: openpyxl read-only (values only) and python-calamine;
* upload: the whole-file checks (zip, bomb, pre-scan, headers) and the encrypted job row;
* check: every row validated (``importing.services.run_validation``) — what the background task does;
* commit: every row re-checked and written in one transaction (``run_commit``: sealing, pinyin, bulk insert).

The figure compared to the issue's limit (≤ 30 s for 100,000 residents) is upload + check + commit with the
default engine. Between engines the residents are truncated. Exit status 1 when the figure misses the limit.
"""

from __future__ import annotations

import argparse
import io
import os
import random
import resource
import sys
import time
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import urlparse, urlunparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

LIMIT_S = 30.0  # issue 3, item 9: 100,000 residents validated and committed in ≤ 30 s on PostgreSQL
DB = "linli_bench_import"


def build_file(rows: int, house_codes: list[str]) -> bytes:
    from faker import Faker
    from openpyxl import Workbook

    from linli.core.validators import id_check_char
    from linli.registry.importing.columns import RESIDENTS

    fake = Faker("zh_CN")
    Faker.seed(7)
    rnd = random.Random(7)
    names = [fake.name() for _ in range(20_000)]
    employers = [fake.company() for _ in range(500)]
    headers = [c.header for c in RESIDENTS.columns]
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(RESIDENTS.sheet)
    ws.append(headers)
    seen = set()
    start = date(1935, 1, 1)
    for i in range(rows):
        while True:
            birth = start + timedelta(days=rnd.randrange(85 * 365))
            first17 = f"340504{birth:%Y%m%d}{rnd.randrange(1000):03d}"
            if first17 not in seen:
                seen.add(first17)
                break
        values = {
            "姓名": rnd.choice(names),
            "证件类型": "居民身份证",
            "证件号码": first17 + id_check_char(first17),
            "手机号码": f"1{rnd.choice('3456789')}{i:09d}",
            "民族": "汉族",
            "政治面貌": rnd.choice(["群众", "中共党员"]),
            "居住状态": rnd.choice(["户籍", "常住", "流动"]),
            "工作单位": rnd.choice(employers),
            "文化程度": rnd.choice(["初中", "高中/中专", "本科"]),
            "房屋编码": house_codes[i % len(house_codes)],
        }
        ws.append([values.get(h) for h in headers])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--engines", default="calamine,openpyxl")
    parser.add_argument("--keep", action="store_true", help="keep the benchmark database")
    args = parser.parse_args()

    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        print("bench: set DATABASE_URL to a PostgreSQL server (figures are compared on PostgreSQL)")
        return 2
    import psycopg

    admin_url = url
    bench_url = urlunparse(urlparse(url)._replace(path=f"/{DB}"))
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {DB}")
        conn.execute(f"CREATE DATABASE {DB}")
    os.environ["DATABASE_URL"] = bench_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ["LINLI_ENV"] = "development"
    os.environ["LINLI_DEBUG"] = "0"

    import django

    django.setup()
    from decimal import Decimal

    from common import Figures
    from django.conf import settings
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.core.management import call_command
    from django.db import connection

    from linli.accounts import services as acc
    from linli.accounts.testing import system_user
    from linli.areas import services as areas
    from linli.areas.models import Level, Place
    from linli.registry.importing import services
    from linli.registry.models import ImportJob, Resident

    figures = Figures("import_residents")

    def report(name, figure, limit=None, unit="s", side=""):
        if limit is None:
            figures.note(name, figure, unit, side=side)
        else:
            figures.check(name, figure, limit, unit, side=side)

    try:
        print(f"bench: building a community with 2,000 houses on PostgreSQL ({connection.vendor}) …")
        call_command("migrate", verbosity=0)
        root = system_user()
        district = areas.place_create(actor=root, parent=None, name="雨山区", code="340504000000")
        street = areas.place_create(actor=root, parent=district, name="平湖街道", code="340504001000")
        community = areas.place_create(actor=root, parent=street, name="雨秀社区", code="340504001001")
        compound = areas.place_create(actor=root, parent=community, name="怡心花园")
        houses = []
        for b in range(1, 21):
            building = areas.place_create(actor=root, parent=compound, name=f"{b}栋", floors=25, unit_count=2)
            for u in range(1, 3):
                unit = areas.place_create(actor=root, parent=building, name=f"{u}单元")
                for n in range(1, 51):
                    floor, no = (n - 1) // 2 + 1, f"{(n - 1) // 2 + 1}{(n - 1) % 2 + 1:02d}"
                    houses.append(
                        Place(
                            level=Level.HOUSE,
                            parent=unit,
                            code=f"{unit.code}{n:04d}",
                            path=f"{unit.path}{n:04d}",
                            name=no,
                            floor=floor,
                            number=no,
                            area=Decimal("89.50"),
                            area_source="registered",
                            use="residential",
                        )
                    )
                Place.objects.filter(pk=unit.pk).update(next_child_seq=50)
        Place.objects.bulk_create(houses)
        secretary = acc.user_create(actor=root, username="bench_secretary", password="Bench-pass-2026", home=community)
        acc.binding_add(actor=root, user=secretary, role="community_secretary", place=community)
        secretary.refresh_from_db()
        with connection.cursor() as cur:
            cur.execute("ANALYZE")

        t0 = time.perf_counter()
        data = build_file(args.rows, [h.code for h in houses])
        print(f"  wrote {args.rows:,} rows: {len(data) / 1e6:.1f} MB xlsx in {time.perf_counter() - t0:.1f} s")

        print(f"\nreading the file alone ({args.rows:,} rows)")
        import openpyxl
        from python_calamine import CalamineWorkbook

        t0 = time.perf_counter()
        wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
        n = sum(1 for _ in wb.worksheets[0].iter_rows(values_only=True))
        wb.close()
        read_openpyxl = time.perf_counter() - t0
        report(f"openpyxl read-only, values only ({n:,} rows)", read_openpyxl)
        t0 = time.perf_counter()
        n = sum(1 for _ in CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0).iter_rows())
        read_calamine = time.perf_counter() - t0
        report(f"python-calamine ({n:,} rows)", read_calamine)

        default_engine = getattr(settings, "LINLI_IMPORT_ENGINE", "calamine")
        for engine in [e.strip() for e in args.engines.split(",") if e.strip()]:
            settings.LINLI_IMPORT_ENGINE = engine
            print(f"\nimport with the {engine} engine ({args.rows:,} residents, as a community secretary)")
            t0 = time.perf_counter()
            job = services.import_upload(
                actor=secretary, kind="residents", upload=SimpleUploadedFile("bench.xlsx", data)
            )
            t_upload = time.perf_counter() - t0
            t0 = time.perf_counter()
            status = services.run_validation(job.pk)
            t_check = time.perf_counter() - t0
            job.refresh_from_db()
            assert status == "valid", (status, job.message, list(job.issues.values_list("row", "errors")[:5]))
            t0 = time.perf_counter()
            services.request_commit(actor=secretary, job=job)
            status = services.run_commit(job.pk)
            t_commit = time.perf_counter() - t0
            job.refresh_from_db()
            assert status == "committed" and job.created_count == args.rows, (status, job.message)
            assert Resident.objects.count() == args.rows
            total = t_upload + t_check + t_commit
            report("upload (whole-file checks, encrypted job row)", t_upload)
            report("check every row (background validation)", t_check)
            report("commit (re-check, seal, pinyin, bulk insert, 1 tx)", t_commit)
            if engine == default_engine:
                report(
                    f"import of {args.rows:,} residents: upload + check + commit ({engine})",
                    total,
                    LIMIT_S,
                    side=f"{total / read_openpyxl:.1f} × openpyxl's bare read of {read_openpyxl:.1f} s",
                )
            else:
                report(f"import upload + check + commit ({engine}, for comparison)", total)
            report("  total ÷ openpyxl-alone read time", total / read_openpyxl, unit="×")
            with connection.cursor() as cur:
                cur.execute("TRUNCATE registry_resident CASCADE")
            ImportJob.objects.all().delete()
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"\n  peak memory of this process (whole run, incl. the generated file): {rss:,.0f} MB")
    finally:
        from django.db import connections

        connections.close_all()
        if not args.keep:
            with psycopg.connect(admin_url, autocommit=True) as conn:
                conn.execute(f"DROP DATABASE IF EXISTS {DB}")
    return figures.finish()


if __name__ == "__main__":
    sys.exit(main())
