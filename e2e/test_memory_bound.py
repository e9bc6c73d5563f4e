"""Issue #27 items 3–4: an import and an export hold no more memory for a larger file than the
indexes the import must keep (one entry per person's ID and per household). The same command line
imports a members file of 5,000 and of 20,000 households into an empty registry and exports each
registry again; the peak resident memory (ru_maxrss of the child) is compared. Reading the whole
file, as the import did before, grew by about the file's size twice over plus its records."""
import datetime
import os
import sqlite3
import subprocess

from conftest import BIN, ROOT, demo_copy
from test_registry import EMPTY

WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
HEADER = ("户编号,村级区划代码,贫困户属性,主要致贫原因,其他致贫原因,识别年度,脱贫状态,脱贫年度,联系电话,姓名,"
          "证件号码,与户主关系,民族,文化程度,在校生情况,健康状况,劳动技能,务工月数")
RELATIONS = ["户主", "配偶", "之子", "之女"]


def check_character(first17):
    return "10X98765432"[sum(int(c) * w for c, w in zip(first17, WEIGHTS)) % 11]


def members_file(path, households, villages):
    """A valid members file: four people a household, spread over the registry's villages."""
    start, person = datetime.date(1950, 1, 1), 0
    with open(path, "w", encoding="utf-8") as f:
        f.write(HEADER + "\r\n")
        for i in range(households):
            village = villages[i % len(villages)]
            number = village + "%04d" % (i // len(villages) + 1)
            for relation in RELATIONS:
                born = start + datetime.timedelta(days=person // 900)
                first17 = village[:6] + born.strftime("%Y%m%d") + "%03d" % (person % 900 + 100)
                person += 1
                f.write(f"{number},{village},一般贫困户,因病,,2015,未脱贫,,,格桑,{first17}{check_character(first17)},"
                        f"{relation},藏族,小学,非在校生,健康,普通劳动力,3\r\n")
    return person


def peak_mb(args, env):
    """Runs `tuopin <args>`; its own peak resident memory in MB (VmHWM, which it writes to
    TUOPIN_PEAK_RSS_FILE at exit; wait4's ru_maxrss would also count this process's). It must succeed."""
    peak_file = os.path.join(env["TUOPIN_DATA_DIR"], "peak.kb")
    proc = subprocess.Popen([BIN] + args, cwd=ROOT, env=dict(env, TUOPIN_PEAK_RSS_FILE=peak_file),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    _, status, usage = os.wait4(proc.pid, 0)
    out = proc.stdout.read() + proc.stderr.read()
    assert os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0, (args, out)
    if not os.path.exists(peak_file):  # a build from before TUOPIN_PEAK_RSS_FILE (to compare with)
        return usage.ru_maxrss / 1024
    with open(peak_file) as f:
        own = int(f.read()) / 1024
    os.remove(peak_file)
    assert own <= usage.ru_maxrss / 1024 + 1
    return own


def test_import_and_export_memory_does_not_grow_with_the_file(tmp_path):
    peaks = {}
    for households in (5_000, 20_000):
        env = demo_copy(str(tmp_path / f"data{households}"), EMPTY)
        env["TUOPIN_NIGHTLY_CHECK"] = "0"
        # One malloc arena for both runs: how many threads happened to allocate at once (other tests
        # share the machine) otherwise moves the peak by several MB either way.
        env["MALLOC_ARENA_MAX"] = "1"
        db = sqlite3.connect(os.path.join(env["TUOPIN_DATA_DIR"], "tuopin.sqlite"))
        villages = [r[0] for r in db.execute("SELECT code FROM org_units WHERE level = 5 ORDER BY code")]
        db.close()
        path = str(tmp_path / f"members{households}.csv")
        people = members_file(path, households, villages)
        imported = peak_mb(["import", "members", path], env)
        exported = peak_mb(["export", "members", str(tmp_path / f"out{households}.xlsx"), "--reason", "e2e"], env)
        peaks[households] = (imported, exported, people, os.path.getsize(path) / (1 << 20))
    (small_import, small_export, small_people, _), (large_import, large_export, large_people, large_file) = (
        peaks[5_000], peaks[20_000])
    more_people, more_households = large_people - small_people, 15_000
    # The indexes: an ID (8 bytes and its row) per person, a household's number, hashes and counts;
    # generously 100 bytes a person and 300 a household, and 12 MB for the allocator's rounding.
    index_growth = (100 * more_people + 300 * more_households) / (1 << 20) + 12
    print(f"import {small_import:.0f} → {large_import:.0f} MB, export {small_export:.0f} → {large_export:.0f} MB, "
          f"file {large_file:.1f} MB, allowed growth {index_growth:.1f} MB")
    assert large_import - small_import < index_growth, peaks
    # An export keeps one page of households whatever the registry's size.
    assert large_export - small_export < 12, peaks
