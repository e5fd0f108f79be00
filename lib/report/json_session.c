/*
 * json_session.c - the "session" section of the JSON report: the walk
 * after MCS Connect (observation.h struct rdd_session_info) with its
 * steps and their times, licensing, activation, and how the server said
 * no. docs/json.md is the contract.
 */
#include "rdpdoctor/codes.h"
#include "report/json_int.h"
#include "wire/license.h"
#include "wire/mcs.h"
#include "wire/share.h"

#define put rdd__j_put
#define push rdd__j_push

static json_t *
int_or_null(bool has, json_int_t v)
{
	return has ? json_integer(v) : json_null();
}

static json_t *
build_steps(struct jb *b, const struct rdd_session_info *s)
{
	json_t *arr = json_array(), *o;
	size_t i;

	if (arr == NULL)
		return NULL;
	for (i = 0; i < s->n_events && i < RDD_MAX_SESSION_STEPS; i++) {
		const struct rdd_session_event *e = &s->events[i];

		o = json_object();
		if (o == NULL) {
			b->err = -1;
			break;
		}
		put(b, o, "step",
		    rdd__j_name_or_null(rdd_session_step_name(e->step)));
		put(b, o, "phase",
		    rdd__j_name_or_null(rdd_phase_name(e->phase)));
		put(b, o, "at_ms", rdd__j_ms_value(e->at_ms));
		put(b, o, "wait_ms",
		    e->wait_ms >= 0 ? rdd__j_ms_value(e->wait_ms)
		                    : json_null());
		put(b, o, "detail", UNTRUSTED(e->detail));
		push(b, arr, o);
	}
	return arr;
}

static json_t *
build_license_request(struct jb *b, const struct rdd_session_info *s)
{
	json_t *o;

	if (!s->has_license_request)
		return json_null();
	o = json_object();
	if (o == NULL)
		return NULL;
	put(b, o, "company", UNTRUSTED_OR_NULL(s->license_company));
	put(b, o, "product_id", UNTRUSTED_OR_NULL(s->license_product_id));
	put(b, o, "product_version", json_integer(s->license_product_version));
	put(b, o, "scope", UNTRUSTED_OR_NULL(s->license_scope));
	put(b, o, "scope_count", json_integer(s->license_n_scopes));
	put(b, o, "certificate_from",
	    json_string(s->license_cert_from_request ? "license_request"
	                                             : "mcs"));
	return o;
}

static json_t *
build_license_error(struct jb *b, const struct rdd_session_info *s)
{
	json_t *o;

	if (!s->has_license_error)
		return json_null();
	o = json_object();
	if (o == NULL)
		return NULL;
	put(b, o, "code", json_integer(s->license_error_code));
	put(b, o, "name",
	    rdd__j_name_or_null(rdd_lic_error_name(s->license_error_code)));
	put(b, o, "transition", json_integer(s->license_transition));
	put(b, o, "transition_name",
	    rdd__j_name_or_null(
	        rdd_lic_transition_name(s->license_transition)));
	return o;
}

static json_t *
build_licensing(struct jb *b, const struct rdd_session_info *s)
{
	json_t *o = json_object();

	if (o == NULL)
		return NULL;
	put(b, o, "path",
	    rdd__j_name_or_null(rdd_licensing_path_name(s->licensing)));
	put(b, o, "preamble_version",
	    int_or_null(s->license_preamble_version != 0,
	                s->license_preamble_version));
	put(b, o, "request", build_license_request(b, s));
	put(b, o, "error", build_license_error(b, s));
	put(b, o, "issued_not_after",
	    s->license_issued_has_validity
	        ? rdd__j_iso8601(s->license_not_after)
	        : json_null());
	return o;
}

static json_t *
build_capsets(struct jb *b, const struct rdd_session_info *s)
{
	json_t *arr = json_array(), *o;
	size_t i;

	if (arr == NULL)
		return NULL;
	for (i = 0; i < s->n_capsets && i < RDD_MAX_SESSION_CAPSETS; i++) {
		o = json_object();
		if (o == NULL) {
			b->err = -1;
			break;
		}
		put(b, o, "type", json_integer(s->capsets[i].type));
		put(b, o, "name",
		    rdd__j_name_or_null(rdd_capset_name(s->capsets[i].type)));
		put(b, o, "length", json_integer(s->capsets[i].length));
		push(b, arr, o);
	}
	return arr;
}

static json_t *
build_activation(struct jb *b, const struct rdd_session_info *s)
{
	json_t *o, *x;

	if (!s->has_demand_active)
		return json_null();
	o = json_object();
	if (o == NULL)
		return NULL;
	put(b, o, "share_id", json_integer(s->share_id));
	put(b, o, "server_channel", json_integer(s->server_channel));
	put(b, o, "source_descriptor", UNTRUSTED(s->source_descriptor));
	put(b, o, "server_session_id",
	    int_or_null(s->has_server_session_id, s->server_session_id));
	put(b, o, "capability_sets", build_capsets(b, s));
	if (s->has_general && (x = json_object()) != NULL) {
		put(b, x, "os_major", json_integer(s->os_major));
		put(b, x, "os_minor", json_integer(s->os_minor));
		put(b, x, "extra_flags", json_integer(s->general_extra_flags));
		put(b, o, "general", x);
	} else {
		put(b, o, "general", json_null());
	}
	if (s->has_bitmap && (x = json_object()) != NULL) {
		put(b, x, "width", json_integer(s->desktop_width));
		put(b, x, "height", json_integer(s->desktop_height));
		put(b, x, "bpp", json_integer(s->bpp));
		put(b, o, "desktop", x);
	} else {
		put(b, o, "desktop", json_null());
	}
	if (s->has_vc && (x = json_object()) != NULL) {
		put(b, x, "flags", json_integer(s->vc_flags));
		put(b, x, "chunk_size",
		    int_or_null(s->vc_chunk_size != 0, s->vc_chunk_size));
		put(b, o, "virtual_channel", x);
	} else {
		put(b, o, "virtual_channel", json_null());
	}
	put(b, o, "synchronize", json_boolean(s->got_synchronize));
	put(b, o, "cooperate", json_boolean(s->got_cooperate));
	put(b, o, "granted_control", json_boolean(s->got_granted_control));
	put(b, o, "font_map", json_boolean(s->got_font_map));
	put(b, o, "reactivations", json_integer(s->reactivations));
	put(b, o, "monitor_count",
	    int_or_null(s->has_monitor_layout, s->monitors));
	put(b, o, "status_info",
	    int_or_null(s->status_info != 0, s->status_info));
	put(b, o, "fastpath_pdus", json_integer(s->fastpath_pdus));
	return o;
}

static json_t *
build_error_info(struct jb *b, const struct rdd_session_info *s)
{
	const struct rdd_code *c;
	json_t *o;

	if (!s->has_error_info)
		return json_null();
	o = json_object();
	if (o == NULL)
		return NULL;
	c = rdd_code_find(RDD_TABLE_ERRINFO, s->error_info);
	put(b, o, "code", json_integer(s->error_info));
	put(b, o, "name", rdd__j_name_or_null(c != NULL ? c->name : NULL));
	put(b, o, "message",
	    rdd__j_name_or_null(c != NULL ? c->message : NULL));
	put(b, o, "phase",
	    rdd__j_name_or_null(rdd_phase_name(s->error_info_phase)));
	put(b, o, "at_ms", rdd__j_ms_value(s->error_info_at_ms));
	return o;
}

static json_t *
build_disconnect(struct jb *b, const struct rdd_session_info *s)
{
	json_t *o;
	bool reason = s->disconnect_reason >= 0;

	if (s->outcome != RDD_SESSION_DISCONNECTED)
		return json_null();
	o = json_object();
	if (o == NULL)
		return NULL;
	put(b, o, "reason", int_or_null(reason, s->disconnect_reason));
	put(b, o, "reason_name",
	    reason ? rdd__j_name_or_null(
	                 rdd_mcs_reason_name((unsigned)s->disconnect_reason))
	           : json_null());
	put(b, o, "phase",
	    rdd__j_name_or_null(rdd_phase_name(s->disconnect_phase)));
	put(b, o, "at_ms", rdd__j_ms_value(s->disconnect_at_ms));
	return o;
}

static json_t *
build_redirect(struct jb *b, const struct rdd_session_info *s)
{
	json_t *o;

	if (!s->redirected)
		return json_null();
	o = json_object();
	if (o == NULL)
		return NULL;
	put(b, o, "target", UNTRUSTED_OR_NULL(s->redirect_target));
	put(b, o, "session_id", json_integer(s->redirect_session_id));
	return o;
}

/* --logon: what the server said about the logon; null without it. */
static json_t *
build_logon(struct jb *b, const struct rdd_session_info *s)
{
	json_t *o;

	if (s->logon_notice == RDD_LOGON_NOTICE_NOT_AWAITED)
		return json_null();
	o = json_object();
	if (o == NULL)
		return NULL;
	put(b, o, "outcome",
	    rdd__j_name_or_null(rdd_logon_notice_name(s->logon_notice)));
	put(b, o, "session_id",
	    int_or_null(s->has_logon_session_id, s->logon_session_id));
	put(b, o, "info_type",
	    int_or_null(s->has_logon_info, s->logon_info_type));
	put(b, o, "error_type",
	    int_or_null(s->has_logon_error, s->logon_error_type));
	put(b, o, "error_data",
	    int_or_null(s->has_logon_error, s->logon_error_data));
	put(b, o, "wait_ms", rdd__j_ms_value(s->logon_wait_ms));
	return o;
}

json_t *
rdd__json_session(struct jb *b, const struct rdd_observation *obs)
{
	const struct rdd_session_info *s = &obs->session;
	json_t *o;

	if (s->outcome == RDD_SESSION_NOT_RUN)
		return json_null();
	o = json_object();
	if (o == NULL)
		return NULL;
	put(b, o, "from_attempt", UNTRUSTED_OR_NULL(s->attempt));
	put(b, o, "outcome",
	    rdd__j_name_or_null(rdd_session_outcome_name(s->outcome)));
	put(b, o, "phase", rdd__j_name_or_null(rdd_phase_name(s->phase)));
	put(b, o, "detail", UNTRUSTED(s->detail));
	put(b, o, "stop_after",
	    rdd__j_name_or_null(rdd_phase_name(s->stop_after)));
	put(b, o, "start_ms", rdd__j_ms_value(s->start_ms));
	put(b, o, "end_ms", rdd__j_ms_value(s->end_ms));
	put(b, o, "steps", build_steps(b, s));
	put(b, o, "user_channel",
	    int_or_null(s->user_channel != 0, s->user_channel));
	put(b, o, "io_channel", json_integer(s->io_channel));
	put(b, o, "message_channel",
	    int_or_null(s->msg_channel != 0, s->msg_channel));
	put(b, o, "static_channels", json_integer(s->static_channels));
	put(b, o, "mcs_result", int_or_null(s->mcs_result >= 0, s->mcs_result));
	put(b, o, "mcs_result_name",
	    s->mcs_result >= 0 ? rdd__j_name_or_null(rdd_mcs_result_name(
	                             (unsigned)s->mcs_result))
	                       : json_null());
	put(b, o, "standard_security", json_boolean(s->standard_security));
	put(b, o, "server_pdus_checked", json_integer(s->server_pdus_checked));
	put(b, o, "server_mac_errors", json_integer(s->server_mac_errors));
	put(b, o, "certificate_signature",
	    s->cert_signature < 0
	        ? json_null()
	        : json_string(s->cert_signature ? "good" : "bad"));
	put(b, o, "licensing", build_licensing(b, s));
	put(b, o, "activation", build_activation(b, s));
	put(b, o, "error_info", build_error_info(b, s));
	put(b, o, "disconnect", build_disconnect(b, s));
	put(b, o, "deactivated", json_boolean(s->deactivated));
	put(b, o, "redirect", build_redirect(b, s));
	put(b, o, "logon", build_logon(b, s));
	put(b, o, "left_with_disconnect", json_boolean(s->sent_disconnect));
	return o;
}
