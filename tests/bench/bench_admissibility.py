"""Rebuilding the admissibility projection from the log, against raw SQL doing the same I/O.

    .venv/bin/python -m tests.bench.bench_admissibility [--events 100000] [--investigations 8]

One PostgreSQL server (embedded in a temporary folder, or the server at
JITSPACE_TEST_DATABASE_URL), a fresh database, the real application and projection.

1. Generation: about N events over several FR-BE-NL investigations, made by the domain and
   saved through the application: each team opens its JIT, adds members, adopts the shipped
   rulebooks, records and qualifies an order; then each evidence item is registered under
   it, taken into custody, sealed, transferred to BE, received, used in a BE proceeding for
   another offence, and FR consents.
2. Rebuild: the projection (`AdmissibilityMatrix`, run by the library's ProjectionRunner as
   `jitspace serve` runs it) from position 0 to the head, in events/s.
3. Baseline, in the same run: read the same rows of the log with raw SQL (psycopg, a
   server-side cursor) and write the rows the projection wrote, byte for byte, the facts'
   versions it kept included, into tables shaped like the read model's, with batched
   INSERTs (`executemany`), one transaction per BATCH events as the projection.

Steps 2 and 3 run in turn for several rounds (the read model dropped between rounds, the
write-ahead log checkpointed before each phase); each round's ratio is printed, and their
median against the goal (at least 50% of the baseline), PASS/MISS as information only:
nothing here asserts a time.
"""

# The projection's evaluator processes start by importing their parent's main module again
# (multiprocessing's spawn): under `jitspace serve` or `worker` that is `jitspace.cli`, which
# imports next to nothing. This module is the benchmark's main, so it imports the benchmark
# itself only when it runs: the evaluators then start as they start in production.


def main(argv: list[str] | None = None) -> int:
    from tests.bench.admissibility_rebuild import main as run

    return run(argv, description=__doc__.split("\n", 1)[0])


if __name__ == "__main__":
    raise SystemExit(main())
