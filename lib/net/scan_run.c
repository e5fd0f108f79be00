/*
 * scan_run.c - many checks on one libuv loop (scan.h).
 *
 * A fixed set of slots, each holding one check in flight with its own
 * observation (reused from one target to the next); a token bucket paces
 * the starts; a check's end frees its slot and starts the next target at
 * once. Signals: the first SIGINT/SIGTERM stops starting, the second stops
 * the loop.
 *
 * Targets through an RD Gateway are grouped by gateway (scan.h): a
 * group's first check runs alone (PROBE), the others wait in the group's
 * queue; its end opens the group (at most its cap in flight) or, when
 * the gateway's own phases failed, closes it: every target waiting or
 * still to come gets a "not reached" result without a connection.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/resource.h>
#include <time.h>

#include <uv.h>

#include "rdpdoctor/scan.h"

struct scan;

#define NO_GROUP ((size_t)-1)

enum gw_state { GW_PROBE, GW_OPEN, GW_FAILED };

/* The targets through one RD Gateway. */
struct gwgroup {
	const char *host;
	uint16_t port;
	enum gw_state state;
	size_t in_flight;
	size_t *queue; /* target indexes waiting, from HEAD */
	size_t head, len, cap;
	/* GW_FAILED: the check that showed it. */
	char failed_by[RDD_STR];
	enum rdd_gw_step failed_step;
	enum rdd_gw_outcome failed_outcome;
};

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
	struct gwgroup *groups;
	size_t n_groups;
	size_t *group_of; /* per target: its group, or NO_GROUP */
	size_t queued;    /* targets in the groups' queues */
	size_t gw_cap;
	struct rdd_observation *scratch; /* the not-reached results */
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
static void gateway_done(struct scan *s, size_t i,
                         const struct rdd_observation *obs);

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
	    ((s->next < s->n || s->queued > 0) && s->signals == 0))
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
	gateway_done(s, sl->index, sl->obs);
	s->opt->result(s->opt->ctx, sl->index, sl->obs, rc);
	rdd_check_free(c);
	sl->chk = NULL;
	sl->busy = false;
	s->st.in_flight--;
	s->st.done++;
	try_start(s);
	maybe_end(s);
}

bool
rdd_scan_gateway_failed(const struct rdd_observation *obs)
{
	const struct rdd_gateway_info *g = &obs->gateway;

	return g->present && !g->not_reached && g->outcome != RDD_GW_OK &&
	       g->outcome != RDD_GW_NOT_RUN && g->step != RDD_GW_STEP_NONE &&
	       g->step < RDD_GW_STEP_CHANNEL;
}

/* Target I's result without a connection: its gateway G failed. */
static void
not_reached(struct scan *s, size_t i, const struct gwgroup *g)
{
	const struct rdd_scan_target *t = &s->t[i];
	struct rdd_observation *obs = s->scratch;
	static const int phases[] = {
	    RDD_PHASE_GATEWAY_TLS, RDD_PHASE_GATEWAY_HTTP,
	    RDD_PHASE_GATEWAY_TUNNEL, RDD_PHASE_GATEWAY_CHANNEL};
	size_t k;

	rdd_observation_init(obs);
	snprintf(obs->host, sizeof(obs->host), "%s", t->host);
	obs->port = t->port != 0 ? t->port : s->opt->check.port;
	obs->timeout_s = s->opt->check.timeout_s;
	obs->checked_at = (int64_t)time(NULL);
	obs->gateway.present = true;
	snprintf(obs->gateway.host, sizeof(obs->gateway.host), "%s", g->host);
	obs->gateway.port = g->port;
	obs->gateway.not_reached = true;
	snprintf(obs->gateway.not_reached_by,
	         sizeof(obs->gateway.not_reached_by), "%s", g->failed_by);
	obs->gateway.not_reached_step = g->failed_step;
	obs->gateway.not_reached_outcome = g->failed_outcome;
	if (s->opt->check.gateway_credentials != NULL) {
		obs->gateway.credentials = true;
		snprintf(obs->gateway.user, sizeof(obs->gateway.user), "%s",
		         s->opt->check.gateway_credentials->user);
		snprintf(obs->gateway.domain, sizeof(obs->gateway.domain), "%s",
		         s->opt->check.gateway_credentials->domain);
	}
	snprintf(obs->gateway.resource, sizeof(obs->gateway.resource), "%s",
	         t->host);
	obs->gateway.resource_port = (uint16_t)obs->port;
	for (k = 0; k < sizeof(phases) / sizeof(phases[0]); k++) {
		struct rdd_phase_result *p = &obs->phases[phases[k]];

		p->present = true;
		p->status = RDD_STATUS_SKIPPED;
		snprintf(p->detail, sizeof(p->detail),
		         "not tried: the gateway failed for %.200s earlier "
		         "in this scan",
		         g->failed_by);
	}
	s->st.done++;
	s->st.not_reached++;
	s->opt->result(s->opt->ctx, i, obs, 0);
}

/* A check through a gateway ended: open its group, or close it when the
 * gateway's own phases failed (the targets waiting are not reached). */
static void
gateway_done(struct scan *s, size_t i, const struct rdd_observation *obs)
{
	struct gwgroup *g;

	if (s->group_of == NULL || s->group_of[i] == NO_GROUP)
		return;
	g = &s->groups[s->group_of[i]];
	g->in_flight--;
	if (g->state == GW_FAILED)
		return;
	if (!rdd_scan_gateway_failed(obs)) {
		g->state = GW_OPEN;
		return;
	}
	g->state = GW_FAILED;
	g->failed_step = obs->gateway.step;
	g->failed_outcome = obs->gateway.outcome;
	snprintf(g->failed_by, sizeof(g->failed_by),
	         strchr(obs->host, ':') != NULL ? "[%s]:%u" : "%s:%u",
	         obs->host, (unsigned)obs->port);
	/* The targets waiting: not reached, at once (after this check's
	 * own result: check_done hands it on first). */
}

/* Hand on the not-reached results of failed groups' queues. */
static void
drain_failed(struct scan *s)
{
	size_t k;

	for (k = 0; k < s->n_groups; k++) {
		struct gwgroup *g = &s->groups[k];

		while (g->state == GW_FAILED && g->len > 0 && s->signals == 0) {
			size_t i = g->queue[g->head++];

			g->len--;
			s->queued--;
			not_reached(s, i, g);
		}
	}
}

/* Out of memory: start nothing more (the targets waiting are dropped,
 * as those not started). */
static void
stop_starting(struct scan *s)
{
	size_t k;

	s->error = -1;
	s->next = s->n;
	for (k = 0; k < s->n_groups; k++)
		s->groups[k].len = 0;
	s->queued = 0;
}

static bool
can_start(const struct scan *s, const struct gwgroup *g)
{
	return (g->state == GW_OPEN && g->in_flight < s->gw_cap) ||
	       (g->state == GW_PROBE && g->in_flight == 0);
}

static int
enqueue(struct scan *s, struct gwgroup *g, size_t i)
{
	if (g->head + g->len == g->cap) {
		size_t cap;
		size_t *q;

		if (g->head > 0) {
			memmove(g->queue, g->queue + g->head,
			        g->len * sizeof(*q));
			g->head = 0;
		}
		if (g->len == g->cap) {
			cap = g->cap ? 2 * g->cap : 64;
			q = realloc(g->queue, cap * sizeof(*q));
			if (q == NULL)
				return -1;
			g->queue = q;
			g->cap = cap;
		}
	}
	g->queue[g->head + g->len++] = i;
	s->queued++;
	return 0;
}

/* The next target to start, or NO_GROUP: first those waiting for a
 * gateway that can take one more, then the list's next ones (a target
 * whose gateway failed gets its result here; one whose gateway is busy
 * waits in its queue). */
static size_t
pick(struct scan *s)
{
	size_t k, i;

	for (k = 0; k < s->n_groups; k++) {
		struct gwgroup *g = &s->groups[k];

		if (g->len > 0 && can_start(s, g)) {
			i = g->queue[g->head++];
			g->len--;
			s->queued--;
			return i;
		}
	}
	while (s->next < s->n && s->signals == 0) {
		struct gwgroup *g;

		i = s->next++;
		if (s->group_of == NULL || s->group_of[i] == NO_GROUP)
			return i;
		g = &s->groups[s->group_of[i]];
		if (g->state == GW_FAILED) {
			not_reached(s, i, g);
			continue;
		}
		if (can_start(s, g))
			return i;
		if (enqueue(s, g, i) != 0) {
			stop_starting(s);
			return NO_GROUP;
		}
	}
	return NO_GROUP;
}

/* Group the targets by their gateway. 0, or -1 out of memory. */
static int
group_targets(struct scan *s)
{
	const struct rdd_check_options *c = &s->opt->check;
	size_t i, k;

	s->gw_cap = s->opt->gateway_concurrency > 0
	                ? s->opt->gateway_concurrency
	                : RDD_SCAN_GATEWAY_CONCURRENCY;
	for (i = 0; i < s->n; i++) {
		const char *h = s->t[i].gateway;
		uint16_t port = s->t[i].gateway_port;

		if (h == NULL || h[0] == '\0') {
			h = c->gateway;
			port = c->gateway_port;
		}
		if (h == NULL || h[0] == '\0') {
			if (s->group_of != NULL)
				s->group_of[i] = NO_GROUP;
			continue;
		}
		if (port == 0)
			port = 443;
		if (s->group_of == NULL) {
			s->group_of = malloc(s->n * sizeof(*s->group_of));
			if (s->group_of == NULL)
				return -1;
			for (k = 0; k < i; k++)
				s->group_of[k] = NO_GROUP;
		}
		for (k = 0; k < s->n_groups; k++)
			if (s->groups[k].port == port &&
			    strcasecmp(s->groups[k].host, h) == 0)
				break;
		if (k == s->n_groups) {
			struct gwgroup *ng =
			    realloc(s->groups, (s->n_groups + 1) * sizeof(*ng));

			if (ng == NULL)
				return -1;
			s->groups = ng;
			memset(&ng[k], 0, sizeof(ng[k]));
			ng[k].host = h;
			ng[k].port = port;
			ng[k].state = GW_PROBE;
			s->n_groups++;
		}
		s->group_of[i] = k;
	}
	if (s->n_groups > 0 &&
	    (s->scratch = malloc(sizeof(*s->scratch))) == NULL)
		return -1;
	return 0;
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
start_one(struct scan *s, struct slot *sl, size_t i)
{
	const struct rdd_scan_target *t = &s->t[i];

	if (sl->obs == NULL && (sl->obs = malloc(sizeof(*sl->obs))) == NULL)
		return false;
	sl->s = s;
	sl->opt = s->opt->check;
	sl->opt.host = t->host;
	if (t->port != 0)
		sl->opt.port = t->port;
	if (t->gateway != NULL && t->gateway[0] != '\0') {
		sl->opt.gateway = t->gateway;
		sl->opt.gateway_port = t->gateway_port;
	}
	sl->index = i;
	sl->busy = true;
	sl->chk = rdd_check_start(&s->env, &sl->opt, sl->obs, check_done, sl);
	if (sl->chk == NULL) {
		sl->busy = false;
		return false;
	}
	if (s->group_of != NULL && s->group_of[i] != NO_GROUP)
		s->groups[s->group_of[i]].in_flight++;
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
	drain_failed(s);
	while ((s->next < s->n || s->queued > 0) &&
	       (sl = free_slot(s)) != NULL) {
		size_t i;

		if (rate > 0 && s->tokens < 1) {
			uint64_t ms = (uint64_t)((1 - s->tokens) / rate * 1e3);

			uv_timer_start(&s->pace, pace_due, ms > 0 ? ms : 1, 0);
			return;
		}
		if ((i = pick(s)) == NO_GROUP)
			break; /* the rest wait for their gateway */
		if (!start_one(s, sl, i)) {
			stop_starting(s); /* out of memory */
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

static void
free_scan(struct scan *s)
{
	size_t i;

	for (i = 0; i < s->n_slots; i++)
		free(s->slots[i].obs);
	for (i = 0; i < s->n_groups; i++)
		free(s->groups[i].queue);
	free(s->groups);
	free(s->group_of);
	free(s->scratch);
	free(s->slots);
	free(s->env.read_buf);
	free(s);
}

int
rdd_scan_run(const struct rdd_scan_options *opt,
             const struct rdd_scan_target *t, size_t n,
             struct rdd_scan_stats *stats)
{
	struct scan *s;
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
	if (group_targets(s) != 0) {
		uv_loop_close(&s->loop);
		free_scan(s);
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
	if (uv_loop_close(&s->loop) != 0)
		rc = -1;
	free_scan(s);
	return rc;
}
