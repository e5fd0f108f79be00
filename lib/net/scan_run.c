/*
 * scan_run.c - many checks on one libuv loop (scan.h).
 *
 * A fixed set of slots, each holding one check in flight with its own
 * observation (reused from one target to the next); a token bucket paces
 * the starts; a check's end frees its slot and starts the next target at
 * once. Signals: the first SIGINT/SIGTERM stops starting, the second stops
 * the loop.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include <uv.h>

#include "rdpdoctor/scan.h"

struct scan;

struct slot {
	struct scan *s;
	struct rdd_observation *obs; /* allocated on first use */
	struct rdd_check_options opt;
	struct rdd_check *chk;
	size_t index;
	bool busy;
};

struct scan {
	uv_loop_t loop;
	uv_timer_t pace;     /* the next start, when the rate holds it back */
	uv_timer_t progress; /* once a second, with a progress callback */
	uv_signal_t sigint, sigterm;
	const struct rdd_scan_options *opt;
	const struct rdd_scan_target *t;
	size_t n;
	size_t next;
	struct slot *slots;
	size_t n_slots;
	struct rdd_check_env env;
	struct rdd_scan_stats st;
	uint64_t t0_ns;
	double tokens;
	uint64_t tokens_at_ns;
	int signals;
	bool closing;
	int error;
};

size_t
rdd_scan_default_concurrency(size_t max)
{
	struct rlimit rl;
	size_t n;

	if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
		return max < 64 ? max : 64;
	if (rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		(void)setrlimit(RLIMIT_NOFILE, &rl);
		(void)getrlimit(RLIMIT_NOFILE, &rl);
	}
	/* Keep 64 descriptors for the process itself (output, resolver). */
	n = rl.rlim_cur == RLIM_INFINITY || rl.rlim_cur > 1u << 20
	        ? (size_t)1 << 17
	        : (size_t)rl.rlim_cur;
	n = n > 64 + RDD_SCAN_FDS_PER_CHECK ? (n - 64) / RDD_SCAN_FDS_PER_CHECK
	                                    : 1;
	return n < max ? n : max;
}

static double
elapsed_s(const struct scan *s)
{
	return (double)(uv_hrtime() - s->t0_ns) / 1e9;
}

static void try_start(struct scan *s);

static void
closed(uv_handle_t *h)
{
	(void)h;
}

/* Nothing left to start and nothing in flight: close our own handles;
 * uv_run then returns. */
static void
maybe_end(struct scan *s)
{
	if (s->closing || s->st.in_flight > 0 ||
	    (s->next < s->n && s->signals == 0))
		return;
	s->closing = true;
	uv_timer_stop(&s->pace);
	uv_close((uv_handle_t *)&s->pace, closed);
	uv_close((uv_handle_t *)&s->progress, closed);
	uv_close((uv_handle_t *)&s->sigint, closed);
	uv_close((uv_handle_t *)&s->sigterm, closed);
}

static void
check_done(struct rdd_check *c, void *ctx)
{
	struct slot *sl = ctx;
	struct scan *s = sl->s;
	int rc = rdd_check_result(c);

	if (rc != 0)
		s->error = -1;
	s->opt->result(s->opt->ctx, sl->index, sl->obs, rc);
	rdd_check_free(c);
	sl->chk = NULL;
	sl->busy = false;
	s->st.in_flight--;
	s->st.done++;
	try_start(s);
	maybe_end(s);
}

static struct slot *
free_slot(struct scan *s)
{
	size_t i;

	for (i = 0; i < s->n_slots; i++)
		if (!s->slots[i].busy)
			return &s->slots[i];
	return NULL;
}

static bool
start_one(struct scan *s, struct slot *sl)
{
	const struct rdd_scan_target *t = &s->t[s->next];

	if (sl->obs == NULL && (sl->obs = malloc(sizeof(*sl->obs))) == NULL)
		return false;
	sl->s = s;
	sl->opt = s->opt->check;
	sl->opt.host = t->host;
	if (t->port != 0)
		sl->opt.port = t->port;
	sl->index = s->next;
	sl->busy = true;
	sl->chk = rdd_check_start(&s->env, &sl->opt, sl->obs, check_done, sl);
	if (sl->chk == NULL) {
		sl->busy = false;
		return false;
	}
	s->next++;
	s->st.started++;
	if (++s->st.in_flight > s->st.peak_in_flight)
		s->st.peak_in_flight = s->st.in_flight;
	return true;
}

static void
pace_due(uv_timer_t *t)
{
	try_start(t->data);
}

/* Start what the slots and the rate allow; when the rate holds the next
 * one back, wake up when its token is due. */
static void
try_start(struct scan *s)
{
	double rate = s->opt->rate;
	uint64_t now = uv_hrtime();
	struct slot *sl;

	if (s->closing || s->signals > 0)
		return;
	if (rate > 0) {
		/* A bucket of at most a tenth of a second's worth (>= 1). */
		double cap = rate / 10 > 1 ? rate / 10 : 1;

		s->tokens += rate * (double)(now - s->tokens_at_ns) / 1e9;
		if (s->tokens > cap)
			s->tokens = cap;
		s->tokens_at_ns = now;
	}
	while (s->next < s->n && (sl = free_slot(s)) != NULL) {
		if (rate > 0 && s->tokens < 1) {
			uint64_t ms = (uint64_t)((1 - s->tokens) / rate * 1e3);

			uv_timer_start(&s->pace, pace_due, ms > 0 ? ms : 1, 0);
			return;
		}
		if (!start_one(s, sl)) {
			s->error = -1;
			s->next = s->n; /* out of memory: stop starting */
			break;
		}
		if (rate > 0)
			s->tokens -= 1;
	}
}

static void
progress_tick(uv_timer_t *t)
{
	struct scan *s = t->data;

	s->st.elapsed_s = elapsed_s(s);
	s->opt->progress(s->opt->ctx, &s->st);
}

static void
on_signal(uv_signal_t *h, int signum)
{
	struct scan *s = h->data;

	(void)signum;
	s->st.interrupted = true;
	if (++s->signals >= 2) {
		/* Abandon the checks in flight: their handles stay open. */
		uv_stop(&s->loop);
		return;
	}
	uv_timer_stop(&s->pace);
	maybe_end(s);
}

int
rdd_scan_run(const struct rdd_scan_options *opt,
             const struct rdd_scan_target *t, size_t n,
             struct rdd_scan_stats *stats)
{
	struct scan *s;
	size_t i;
	int rc;

	if (opt == NULL || opt->result == NULL || opt->concurrency == 0 ||
	    (t == NULL && n > 0))
		return -1;
	/* Name lookups run on libuv's thread pool (4 threads by default):
	 * give a scan of names more, unless the user chose. */
	setenv("UV_THREADPOOL_SIZE", "32", 0);
	s = calloc(1, sizeof(*s));
	if (s == NULL)
		return -1;
	s->opt = opt;
	s->t = t;
	s->n = n;
	s->st.total = n;
	s->n_slots = opt->concurrency < n ? opt->concurrency : n;
	s->slots = calloc(s->n_slots > 0 ? s->n_slots : 1, sizeof(*s->slots));
	s->env.read_buf = malloc(RDD_CHECK_READ_BUF);
	s->env.read_buf_len = RDD_CHECK_READ_BUF;
	if (s->slots == NULL || s->env.read_buf == NULL ||
	    uv_loop_init(&s->loop) != 0) {
		free(s->slots);
		free(s->env.read_buf);
		free(s);
		return -1;
	}
	s->env.loop = &s->loop;
	s->t0_ns = s->tokens_at_ns = uv_hrtime();
	s->tokens = 1;
	uv_timer_init(&s->loop, &s->pace);
	s->pace.data = s;
	uv_timer_init(&s->loop, &s->progress);
	s->progress.data = s;
	if (opt->progress != NULL)
		uv_timer_start(&s->progress, progress_tick, 1000, 1000);
	uv_signal_init(&s->loop, &s->sigint);
	uv_signal_init(&s->loop, &s->sigterm);
	s->sigint.data = s->sigterm.data = s;
	uv_signal_start(&s->sigint, on_signal, SIGINT);
	uv_signal_start(&s->sigterm, on_signal, SIGTERM);
	/* Signal handles keep the loop alive, but are not work: unref'd. */
	uv_unref((uv_handle_t *)&s->sigint);
	uv_unref((uv_handle_t *)&s->sigterm);
	try_start(s);
	maybe_end(s);
	uv_run(&s->loop, UV_RUN_DEFAULT);
	s->st.elapsed_s = elapsed_s(s);
	if (stats != NULL)
		*stats = s->st;
	rc = s->error;
	if (s->signals >= 2) {
		/* Checks abandoned in flight own handles of the loop: leave
		 * it, the process is about to end. */
		return rc;
	}
	for (i = 0; i < s->n_slots; i++)
		free(s->slots[i].obs);
	free(s->slots);
	free(s->env.read_buf);
	if (uv_loop_close(&s->loop) != 0)
		rc = -1;
	free(s);
	return rc;
}
