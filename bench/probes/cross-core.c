/*
 * Probe: what it costs a core to use data the other core touched last, on
 * this machine now (the host decides where the VM's vCPUs sit, and moves
 * them). Two threads pinned to CPUs 0 and 1:
 *  - round trip: a cache line passed back and forth (bench/core-latency.ts
 *    measures the same from JS for the benches);
 *  - read: thread 0 writes a buffer, then thread 0 (same core) or thread 1
 *    (other core) sums it with AVX2 loads;
 *  - write: after that read, thread 0 writes the buffer again (other core: the
 *    lines are shared with the core that read them and must be invalidated).
 *
 *   gcc -O2 -mavx2 -pthread bench/probes/cross-core.c -o /tmp/cross-core && /tmp/cross-core
 */
#define _GNU_SOURCE
#include <immintrin.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + t.tv_nsec * 1e-9;
}

static void pin(int cpu) {
  cpu_set_t s;
  CPU_ZERO(&s);
  CPU_SET(cpu, &s);
  pthread_setaffinity_np(pthread_self(), sizeof s, &s);
}

enum { ROUNDS = 200, TRIPS = 100000 };
static _Alignas(64) atomic_int turn;
static float *buf;
static size_t floats;
static int other_core;
static double write_s, read_s;
static volatile float sink;

static void write_buf(float v) {
  __m256 x = _mm256_set1_ps(v);
  for (size_t i = 0; i < floats; i += 8) _mm256_store_ps(buf + i, x);
}

static float read_buf(void) {
  __m256 a = _mm256_setzero_ps(), b = a, c = a, d = a;
  for (size_t i = 0; i < floats; i += 32) {
    a = _mm256_add_ps(a, _mm256_load_ps(buf + i));
    b = _mm256_add_ps(b, _mm256_load_ps(buf + i + 8));
    c = _mm256_add_ps(c, _mm256_load_ps(buf + i + 16));
    d = _mm256_add_ps(d, _mm256_load_ps(buf + i + 24));
  }
  float o[8];
  _mm256_storeu_ps(o, _mm256_add_ps(_mm256_add_ps(a, b), _mm256_add_ps(c, d)));
  return o[0];
}

/* thread 0 writes (timed), then the reader reads (timed): thread 0 itself, or thread 1 */
static void *stream(void *arg) {
  int me = (int)(long)arg;
  pin(me);
  for (int r = 0; r < ROUNDS; r++) {
    if (me == 0) {
      while (atomic_load(&turn) != 0) {}
      double t = now();
      write_buf((float)r);
      write_s += now() - t;
      if (!other_core) {
        t = now();
        sink += read_buf();
        read_s += now() - t;
        continue;
      }
      atomic_store(&turn, 1);
      while (atomic_load(&turn) != 2) {}
      atomic_store(&turn, 0);
    } else {
      if (!other_core) return 0;
      while (atomic_load(&turn) != 1) {}
      double t = now();
      sink += read_buf();
      read_s += now() - t;
      atomic_store(&turn, 2);
    }
  }
  return 0;
}

static void *ping(void *arg) {
  int me = (int)(long)arg;
  pin(me);
  for (int i = 0; i < TRIPS; i++) {
    while (atomic_load_explicit(&turn, memory_order_acquire) % 2 != me) {}
    atomic_fetch_add(&turn, 1);
  }
  return 0;
}

static void both(void *(*f)(void *)) {
  pthread_t a, b;
  pthread_create(&a, 0, f, (void *)0);
  pthread_create(&b, 0, f, (void *)1);
  pthread_join(a, 0);
  pthread_join(b, 0);
}

int main(void) {
  turn = 0;
  double t = now();
  both(ping);
  /* each thread takes TRIPS turns: TRIPS round trips */
  printf("round trip between CPU 0 and CPU 1: %.0f ns\n", (now() - t) / TRIPS * 1e9);
  size_t sizes[] = {64 << 10, 256 << 10, 1 << 20, 4 << 20};
  for (int k = 0; k < 4; k++) {
    floats = sizes[k] / 4;
    buf = aligned_alloc(64, sizes[k]);
    double gbs[2][2];
    for (other_core = 0; other_core < 2; other_core++) {
      write_s = read_s = 0;
      turn = 0;
      both(stream);
      gbs[other_core][0] = sizes[k] * (double)ROUNDS / read_s / 1e9;
      gbs[other_core][1] = sizes[k] * (double)ROUNDS / write_s / 1e9;
    }
    printf("%5zu KB: read what a core wrote: same core %.1f GB/s, other core %.1f GB/s; "
           "write again after: %.1f GB/s (only this core read it), %.1f GB/s (the other core did)\n",
           sizes[k] >> 10, gbs[0][0], gbs[1][0], gbs[0][1], gbs[1][1]);
    free(buf);
  }
  return 0;
}
