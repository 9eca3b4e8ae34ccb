#!/usr/bin/env bash
# make-test-captures.sh - (re)generate the real RTP test captures in tests/data/
#
# What it does
#   Sends a few seconds of Opus / VP8 RTP over the Linux loopback interface with
#   GStreamer (gst-launch-1.0) and records it with tcpdump (link type EN10MB,
#   full snaplen).  Impairments come from GStreamer's `netsim` element (drops,
#   delays/reordering).  For every capture FILE it also stores tshark's
#   reference output:
#     FILE.tshark.txt     tshark -r FILE -q -o rtp.heuristic_rtp:TRUE -z rtp,streams
#     FILE.tshark-pt.txt  the same, but with one SAP/SDP announcement frame
#                         prepended (mergecap -a) that maps PT 111 -> opus/48000
#                         and PT 96 -> VP8/90000, so that tshark knows the clock
#                         rate of the dynamic payload types and prints real jitter.
#   Finally it rewrites tests/data/README.md (static text + a table of numbers
#   measured on the files just produced).
#
# Files produced (all in tests/data/):
#   opus_clean.pcap        5 s Opus PT 111, no impairment (RTP timestamp wraps 2^32)
#   opus_clean_ns.pcap     the same packets, nanosecond pcap (captured with
#                          --time-stamp-precision=nano; opus_clean.pcap is the
#                          editcap -F pcap (microsecond) conversion of it)
#   opus_dtx.pcap          6 s Opus, opusenc dtx=true + rtpopuspay dtx=true: RTP timestamp
#                          jumps with contiguous seq numbers, 3-byte DTX/CNG frames
#   opus_dtx_tiny.pcap     6 s Opus, opusenc dtx=true only: every 20 ms frame is sent,
#                          silence as 1-byte payloads (no timestamp jumps)
#   opus_loss_reorder.pcap 5 s Opus through netsim (~5 % drop, ~5 % delayed 30..80 ms)
#   vp8_clean.pcap         4 s VP8 PT 96 320x240@30, no impairment (seq number wraps)
#   vp8_loss.pcap          4 s VP8 through netsim (~3 % drop, ~3 % delayed 20..60 ms)
#   av_call.pcapng         4 s Opus (5004) + VP8 (5006) + RTCP SR/SDES (5005/5007) from
#                          one rtpbin, pcapng (editcap -F pcapng of the pcap)
#   av_call.pcap.gz        the same capture as a gzip'ed classic pcap
#
# Usage
#   scripts/make-test-captures.sh [OUTDIR]       (default OUTDIR: <repo>/tests/data)
#   Needs root (tcpdump on lo), gst-launch-1.0 with plugins-base/good/bad
#   (opusenc, rtpopuspay, vp8enc, rtpvp8pay, rtpbin, netsim), tcpdump, tshark,
#   editcap, mergecap, text2pcap (wireshark-common), gzip.
#   Debian: apt-get install gstreamer1.0-tools gstreamer1.0-plugins-base \
#           gstreamer1.0-plugins-good gstreamer1.0-plugins-bad tcpdump tshark
#   Takes about one minute.  Uses UDP ports 5004-5007 (dst) and 40004-40007 (src)
#   on 127.0.0.1; nothing needs to listen on them.
#
# Reproducibility
#   Idempotent: every run overwrites the same set of files.  SSRCs, initial
#   sequence numbers, initial RTP timestamps and UDP source ports are fixed, so
#   the *form* of every file (streams, PTs, approximate packet counts) is stable.
#   Capture timestamps, payload bytes and -- above all -- netsim's choice of
#   which packets to drop/delay are NOT reproducible: netsim has no seed property
#   (it seeds GRand from the system), so loss counts differ from run to run.
#   The script retries an impaired capture (up to 5 times) until it really shows
#   loss (and, for the *_reorder file, out-of-order packets).  Tests must
#   therefore compare against the stored .tshark*.txt / README numbers of the
#   committed files, not against constants from a fresh run.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
OUT=${1:-$ROOT/tests/data}
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
DEST=$OUT                    # files are built in a staging dir and copied at the end,
TMP=$(mktemp -d /tmp/make-test-captures.XXXXXX)
OUT=$TMP/out                 # so a failed run never leaves a mix of old and new files
mkdir -p "$OUT"
TCPDUMP_PID=
cleanup() {
    if [[ -n "$TCPDUMP_PID" ]] && kill -0 "$TCPDUMP_PID" 2>/dev/null; then
        kill -INT "$TCPDUMP_PID" 2>/dev/null || true
        wait "$TCPDUMP_PID" 2>/dev/null || true
    fi
    rm -rf "$TMP"
}
trap cleanup EXIT

die() { echo "make-test-captures: $*" >&2; exit 1; }
log() { echo "== $*" >&2; }

for t in gst-launch-1.0 gst-inspect-1.0 tcpdump tshark editcap mergecap text2pcap gzip; do
    command -v "$t" >/dev/null || die "missing tool: $t"
done
for e in audiotestsrc videotestsrc opusenc rtpopuspay vp8enc rtpvp8pay rtpbin netsim udpsink; do
    gst-inspect-1.0 "$e" >/dev/null 2>&1 || die "missing GStreamer element: $e"
done
[[ $(id -u) -eq 0 ]] || die "must run as root (tcpdump -i lo)"

TSHARK_VERSION=$(tshark --version 2>/dev/null | head -n1)
TSHARK_BASE=(-q -o rtp.heuristic_rtp:TRUE -z rtp,streams)
export GST_DEBUG_NO_COLOR=1

# ---------------------------------------------------------------------------
# capture OUTFILE PRECISION FILTER -- gst-launch arguments...
#   Starts tcpdump on lo, waits until it is listening, runs the pipeline to EOS,
#   waits briefly for delayed packets, then stops tcpdump with SIGINT and waits
#   for it to flush.  netsim's debug log goes to $TMP/gst.log.
capture() {
    local out=$1 prec=$2 filter=$3
    shift 3
    [[ $1 == -- ]] && shift
    rm -f "$out" "$TMP/tcpdump.err"
    tcpdump -i lo -n -U -s 0 -Z root --time-stamp-precision="$prec" -w "$out" "$filter" \
        2>"$TMP/tcpdump.err" &
    TCPDUMP_PID=$!
    local i
    for i in $(seq 200); do
        grep -q 'listening on' "$TMP/tcpdump.err" 2>/dev/null && break
        kill -0 "$TCPDUMP_PID" 2>/dev/null || die "tcpdump failed: $(cat "$TMP/tcpdump.err")"
        sleep 0.05
    done
    # rtpbin pipelines occasionally never reach EOS after the last packet was
    # sent; the timeout (well after the media duration) ends such a run.
    local rc=0
    GST_DEBUG=netsim:5 timeout -k 3 12 gst-launch-1.0 -q "$@" >"$TMP/gst.out" 2>"$TMP/gst.log" || rc=$?
    if [[ $rc -eq 124 || $rc -eq 137 ]]; then
        log "warning: gst-launch did not reach EOS within 12 s, stopped it"
    elif [[ $rc -ne 0 ]]; then
        cat "$TMP/gst.log" >&2; die "gst-launch failed (rc=$rc) for $out"
    fi
    sleep 0.3          # let netsim's delayed packets and the kernel catch up
    kill -INT "$TCPDUMP_PID"
    wait "$TCPDUMP_PID" || true
    TCPDUMP_PID=
    local n
    n=$(tshark -r "$out" -T fields -e frame.number 2>/dev/null | wc -l)
    [[ $n -gt 0 ]] || die "$out: no packets captured"
    log "$(basename "$out"): $n packets"
}

netsim_counts() {  # prints "dropped delayed duplicated" from the last pipeline's log
    printf '%s %s %s\n' \
        "$(grep -c 'Dropping packet' "$TMP/gst.log" || true)" \
        "$(grep -c 'Delaying packet' "$TMP/gst.log" || true)" \
        "$(grep -c 'Duplicating packet' "$TMP/gst.log" || true)"
}

# Per-stream numbers from the RTP headers: (RFC 3550 style, seq extended over wraps)
# prints: dport ssrc pt packets first_seq last_seq expected lost out_of_order ts_jumps tiny<=2 tiny<=3 duration
rtp_stats() {
    tshark -r "$1" -d udp.port==5004,rtp -d udp.port==5006,rtp -Y rtp \
        -T fields -E separator=' ' \
        -e udp.dstport -e rtp.ssrc -e rtp.p_type -e rtp.seq -e rtp.timestamp \
        -e udp.length -e frame.time_relative 2>/dev/null |
    awk '
    function ext(k, s,   d) {          # extend 16-bit seq relative to the highest seen
        if (!(k in maxe)) { return s }
        d = s - (maxe[k] % 65536)
        if (d < -32768) d += 65536
        if (d > 32767) d -= 65536
        return maxe[k] + d
    }
    {
        k = $1 " " $2 " " $3; s = $4 + 0; ts = $5 + 0; plen = $6 - 8 - 12; t = $7 + 0
        if (!(k in n)) { order[++nk] = k; first[k] = s; t0[k] = t; e = s; mine[k] = s; maxe[k] = s }
        else {
            e = ext(k, s)
            if (e < maxe[k]) ooo[k]++
            if (e == lastE[k] + 1) {    # contiguous seq: remember the timestamp step
                dts = ts - lastTs[k]; if (dts < 0) dts += 4294967296
                if (dts > 0) { steps[k, ++nsteps[k]] = dts; hist[k, dts]++ }
            }
            if (e > maxe[k]) maxe[k] = e
            if (e < mine[k]) mine[k] = e
        }
        lastE[k] = e; lastTs[k] = ts; n[k]++; t1[k] = t; lastseq[k] = s
        if (plen <= 2) tiny2[k]++
        if (plen <= 3) tiny3[k]++
    }
    END {
        for (i = 1; i <= nk; i++) {
            k = order[i]; exp_ = maxe[k] - mine[k] + 1
            mode = 0; best = 0          # the usual step = most frequent positive step
            for (j = 1; j <= nsteps[k]; j++) if (hist[k, steps[k, j]] > best) { best = hist[k, steps[k, j]]; mode = steps[k, j] }
            for (j = 1; j <= nsteps[k]; j++) if (steps[k, j] > 1.5 * mode) jumps[k]++
            printf "%s %d %d %d %d %d %d %d %d %d %.3f\n", k, n[k], first[k], maxe[k] % 65536, \
                exp_, exp_ - n[k], ooo[k] + 0, jumps[k] + 0, tiny2[k] + 0, tiny3[k] + 0, t1[k] - t0[k]
        }
    }'
}

tshark_lost_total() {   # sum of the Lost column of -z rtp,streams
    tshark -r "$1" "${TSHARK_BASE[@]}" 2>/dev/null |
        awk '/^ +[0-9]+\.[0-9]+ +[0-9]+\.[0-9]+ /{ for (i = 1; i <= NF; i++) if ($i ~ /^\(/) { s += $(i-1) } } END { print s + 0 }'
}

# SAP announcement carrying the SDP that tells tshark the clock rates.
SDP=$'v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=librupture test capture\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 5004 RTP/AVP 111\r\na=rtpmap:111 opus/48000/2\r\nm=video 5006 RTP/AVP 96\r\na=rtpmap:96 VP8/90000\r\n'
make_sap() {   # make_sap FIRST_EPOCH OUT.pcapng : one SAP/SDP frame stamped FIRST_EPOCH
    { printf '\x20\x00\x00\x01\x7f\x00\x00\x01application/sdp\x00'; printf '%s' "$SDP"; } >"$TMP/sap.bin"
    { echo "$1"; od -Ax -tx1 -v "$TMP/sap.bin"; } >"$TMP/sap.txt"
    text2pcap -q -t '%s.%f' -4 127.0.0.1,127.0.0.1 -u 9875,9875 "$TMP/sap.txt" "$2" >/dev/null 2>&1
}

reference() {   # reference FILE : writes FILE.tshark.txt and FILE.tshark-pt.txt
    local f=$1 b
    b=$(basename "$f")
    {
        echo "# tshark -r $b ${TSHARK_BASE[*]}"
        echo "# $TSHARK_VERSION"
        (cd "$OUT" && tshark -r "$b" "${TSHARK_BASE[@]}" 2>/dev/null)
    } >"$f.tshark.txt"
    local first
    first=$(tshark -r "$f" -c 1 -T fields -e frame.time_epoch 2>/dev/null)
    make_sap "$first" "$TMP/sap-sdp.pcapng"
    {
        echo "# mergecap -a -w - sap-sdp.pcapng $b | tshark -r - ${TSHARK_BASE[*]}    (sap-sdp.pcapng: one SAP frame, same time as $b's first frame, SDP: a=rtpmap:111 opus/48000/2 on 5004, a=rtpmap:96 VP8/90000 on 5006)"
        echo "# $TSHARK_VERSION"
        mergecap -a -w - "$TMP/sap-sdp.pcapng" "$f" | tshark -r - "${TSHARK_BASE[@]}" 2>/dev/null
    } >"$f.tshark-pt.txt"
}

# ---------------------------------------------------------------------------
# Pipelines.  Sources are live, so they pace themselves in real time.
AUDIO_SINE=(audiotestsrc is-live=true wave=sine freq=440 volume=0.5 samplesperbuffer=960)
# "talk spurts": a 0.5 s tone every 2 s, silence in between
AUDIO_SPURTS=(audiotestsrc is-live=true wave=ticks freq=440 volume=0.5 tick-interval=2000000000
              sine-periods-per-tick=220 samplesperbuffer=960)
ACAPS=audio/x-raw,rate=48000,channels=1
VIDEO=(videotestsrc is-live=true pattern=ball motion=sweep)
VCAPS=video/x-raw,width=320,height=240,framerate=30/1
VP8ENC=(vp8enc deadline=1 keyframe-max-dist=60 target-bitrate=100000 threads=1)

declare -A NETSIM_INFO=()

# 1. opus_clean_ns.pcap (ns) and opus_clean.pcap (us conversion)
log "opus_clean"
capture "$OUT/opus_clean_ns.pcap" nano 'udp port 5004' -- \
    "${AUDIO_SINE[@]}" num-buffers=250 ! $ACAPS ! opusenc ! \
    rtpopuspay pt=111 ssrc=0x1A2B3C01 seqnum-offset=1000 timestamp-offset=4294800000 ! \
    udpsink host=127.0.0.1 port=5004 bind-port=40004
editcap -F pcap "$OUT/opus_clean_ns.pcap" "$OUT/opus_clean.pcap"

# 2. opus_dtx.pcap: encoder DTX, payloader drops the 1-byte DTX frames
log "opus_dtx"
capture "$OUT/opus_dtx.pcap" micro 'udp port 5004' -- \
    "${AUDIO_SPURTS[@]}" num-buffers=300 ! $ACAPS ! \
    opusenc dtx=true audio-type=voice bitrate-type=vbr ! \
    rtpopuspay pt=111 dtx=true ssrc=0x1A2B3C02 seqnum-offset=2000 timestamp-offset=100000 ! \
    udpsink host=127.0.0.1 port=5004 bind-port=40004

# 2b. opus_dtx_tiny.pcap: encoder DTX, every frame sent (1-byte payloads in silence)
log "opus_dtx_tiny"
capture "$OUT/opus_dtx_tiny.pcap" micro 'udp port 5004' -- \
    "${AUDIO_SPURTS[@]}" num-buffers=300 ! $ACAPS ! \
    opusenc dtx=true audio-type=voice bitrate-type=vbr ! \
    rtpopuspay pt=111 ssrc=0x1A2B3C03 seqnum-offset=3000 timestamp-offset=200000 ! \
    udpsink host=127.0.0.1 port=5004 bind-port=40004

# 3. vp8_clean.pcap (seq numbers start at 65400 and wrap)
log "vp8_clean"
capture "$OUT/vp8_clean.pcap" micro 'udp port 5006' -- \
    "${VIDEO[@]}" num-buffers=120 ! $VCAPS ! "${VP8ENC[@]}" ! \
    rtpvp8pay pt=96 mtu=300 ssrc=0x1A2B3C11 seqnum-offset=65400 timestamp-offset=1000000 ! \
    udpsink host=127.0.0.1 port=5006 bind-port=40006

# 4. vp8_loss.pcap
for try in 1 2 3 4 5; do
    log "vp8_loss (try $try)"
    capture "$OUT/vp8_loss.pcap" micro 'udp port 5006' -- \
        "${VIDEO[@]}" num-buffers=120 ! $VCAPS ! "${VP8ENC[@]}" ! \
        rtpvp8pay pt=96 mtu=300 ssrc=0x1A2B3C12 seqnum-offset=4000 timestamp-offset=2000000 ! \
        netsim drop-probability=0.03 delay-probability=0.03 min-delay=20 max-delay=60 ! \
        udpsink host=127.0.0.1 port=5006 bind-port=40006 sync=false
    NETSIM_INFO[vp8_loss.pcap]=$(netsim_counts)
    [[ $(tshark_lost_total "$OUT/vp8_loss.pcap") -gt 0 ]] && break
done

# 5. opus_loss_reorder.pcap
for try in 1 2 3 4 5; do
    log "opus_loss_reorder (try $try)"
    capture "$OUT/opus_loss_reorder.pcap" micro 'udp port 5004' -- \
        "${AUDIO_SINE[@]}" num-buffers=250 ! $ACAPS ! opusenc ! \
        rtpopuspay pt=111 ssrc=0x1A2B3C04 seqnum-offset=5000 timestamp-offset=300000 ! \
        netsim drop-probability=0.05 delay-probability=0.05 min-delay=30 max-delay=80 ! \
        udpsink host=127.0.0.1 port=5004 bind-port=40004 sync=false
    NETSIM_INFO[opus_loss_reorder.pcap]=$(netsim_counts)
    read -r _ _ _ _ _ _ _ lost ooo _ <<<"$(rtp_stats "$OUT/opus_loss_reorder.pcap" | head -n1)"
    [[ $lost -gt 0 && $ooo -gt 0 ]] && break
done

# 6. av_call: audio + video + RTCP from one rtpbin, pcap -> pcapng / pcap.gz
log "av_call"
capture "$TMP/av_call.pcap" micro 'udp portrange 5004-5007' -- \
    rtpbin name=rb rtp-profile=avpf \
    "${AUDIO_SINE[@]}" num-buffers=200 ! $ACAPS ! opusenc ! \
    rtpopuspay pt=111 ssrc=0x1A2B3C21 seqnum-offset=6000 timestamp-offset=400000 ! rb.send_rtp_sink_0 \
    rb.send_rtp_src_0 ! udpsink host=127.0.0.1 port=5004 bind-port=40004 \
    rb.send_rtcp_src_0 ! udpsink host=127.0.0.1 port=5005 bind-port=40005 sync=false async=false \
    "${VIDEO[@]}" num-buffers=120 ! $VCAPS ! "${VP8ENC[@]}" ! \
    rtpvp8pay pt=96 mtu=300 ssrc=0x1A2B3C22 seqnum-offset=7000 timestamp-offset=500000 ! rb.send_rtp_sink_1 \
    rb.send_rtp_src_1 ! udpsink host=127.0.0.1 port=5006 bind-port=40006 \
    rb.send_rtcp_src_1 ! udpsink host=127.0.0.1 port=5007 bind-port=40007 sync=false async=false
# if rtpbin hung at EOS it kept sending RTCP RRs until the timeout: keep only
# the frames up to 0.25 s after the last RTP packet (this keeps a BYE, if any)
last=$(tshark -r "$TMP/av_call.pcap" -d udp.port==5004,rtp -d udp.port==5006,rtp -Y rtp \
       -T fields -e frame.time_relative 2>/dev/null | tail -n1)
tshark -r "$TMP/av_call.pcap" -Y "frame.time_relative <= $(awk -v l="$last" 'BEGIN { printf "%.6f", l + 0.25 }')" \
    -F pcap -w "$TMP/av_call.trim.pcap" 2>/dev/null
mv "$TMP/av_call.trim.pcap" "$TMP/av_call.pcap"
while read -r _ _ _ npk _; do
    [[ $npk -ge 150 ]] || die "av_call: a stream has only $npk packets"
done < <(rtp_stats "$TMP/av_call.pcap")
[[ $(rtp_stats "$TMP/av_call.pcap" | wc -l) -eq 2 ]] || die "av_call: expected 2 RTP streams"
editcap -F pcapng "$TMP/av_call.pcap" "$OUT/av_call.pcapng"
gzip -9 -n -c "$TMP/av_call.pcap" >"$OUT/av_call.pcap.gz"

# sanity checks: only our own streams (another sender on lo at the same time
# would show up here), and the DTX captures must really show DTX
for f in opus_clean_ns.pcap opus_dtx.pcap opus_dtx_tiny.pcap opus_loss_reorder.pcap vp8_clean.pcap vp8_loss.pcap; do
    [[ $(rtp_stats "$OUT/$f" | awk '$2 !~ /^0x1a2b3c/' | wc -l) -eq 0 && $(rtp_stats "$OUT/$f" | wc -l) -eq 1 ]] \
        || die "$f: unexpected RTP streams (other traffic on lo ports 5004-5007?)"
done
read -r _ _ _ _ _ _ _ _ _ jumps _ t3 _ <<<"$(rtp_stats "$OUT/opus_dtx.pcap")"
[[ $jumps -gt 0 && $t3 -gt 0 ]] || die "opus_dtx.pcap shows no DTX (jumps=$jumps tiny=$t3)"
read -r _ _ _ _ _ _ _ _ _ jumps t2 _ _ <<<"$(rtp_stats "$OUT/opus_dtx_tiny.pcap")"
[[ $t2 -gt 0 ]] || die "opus_dtx_tiny.pcap has no 1-byte payloads"

FILES=(opus_clean.pcap opus_clean_ns.pcap opus_dtx.pcap opus_dtx_tiny.pcap opus_loss_reorder.pcap
       vp8_clean.pcap vp8_loss.pcap av_call.pcapng av_call.pcap.gz)
chmod 0644 "${FILES[@]/#/$OUT/}"

log "tshark reference outputs"
for f in "${FILES[@]}"; do reference "$OUT/$f"; done

# ---------------------------------------------------------------------------
log "README.md"
BEGIN_MARK='<!-- BEGIN make-test-captures.sh (generated, do not edit) -->'
END_MARK='<!-- END make-test-captures.sh -->'
{
echo "$BEGIN_MARK"
cat <<'EOF'
# tests/data: real RTP captures

Generated by `scripts/make-test-captures.sh` (do not edit this section by hand: the
script rewrites it, between the BEGIN/END markers, together with the captures;
text outside the markers is kept).  Everything was sent by
GStreamer (`gst-launch-1.0`) to 127.0.0.1 and captured on the **Linux loopback
interface** by `tcpdump -i lo -U -s 0` (link type EN10MB / Ethernet with zeroed
MAC addresses, full packets).  Impairments come from GStreamer's `netsim`
element sitting between the RTP payloader and `udpsink`; netsim cannot be
seeded, so which packets are lost differs every time the script is run -- the
numbers below are those of the committed files.

Beside every capture `FILE`:

* `FILE.tshark.txt` -- `tshark -r FILE -q -o rtp.heuristic_rtp:TRUE -z rtp,streams`.
  Without SDP tshark does not know the clock rate of dynamic PTs (96, 111), so
  its jitter columns read `-1.000 / 0.000 / 0.000`.
* `FILE.tshark-pt.txt` -- the same tap run on FILE with one SAP/SDP frame
  prepended (`mergecap -a`), same timestamp as FILE's first frame, announcing
  `a=rtpmap:111 opus/48000/2` (port 5004) and `a=rtpmap:96 VP8/90000` (port 5006).
  tshark then uses 48000/90000 Hz and prints real jitter (RFC 3550 style, in ms).
  Frame numbers are shifted by one; times are not.  (tshark 4.0 has no
  preference giving a clock rate to a dynamic PT: `-d rtp.pt==111,opus` only
  renames the payload, because the rate is looked up by encoding name in a
  table that lacks opus and VP8; only SDP-provided rtpmap rates work.)

Notes on tshark's output that an analyser comparing against it must know:

* `Lost` is `expected - received` with expected = highest extended seq - first seq + 1;
  it can be negative with duplicates, and a late (reordered) packet is not "lost".
* Min/Mean/Max Delta and jitter statistics skip packets with the marker bit set.
  Single-packet VP8 frames all carry the marker bit, so VP8 delta columns are
  partly based on the non-final packets of multi-packet frames only.
* In every Opus stream the first RTP timestamp step is 648, not 960, and the
  first arrival delta ~13.4 ms (GStreamer's opusenc shortens its first frame by
  the 312-sample encoder lookahead); that is tshark's `Min Delta`.
* Delta columns are arrival-time deltas in ms; Jitter is the RFC 3550 estimator
  (J += (|D| - J)/16) in ms, Mean Jitter is tshark's mean of |D|.

## Pipelines

Common pieces (see the script for the exact argument lists):

* audio sine: `audiotestsrc is-live=true wave=sine freq=440 volume=0.5 samplesperbuffer=960 ! audio/x-raw,rate=48000,channels=1`
* audio talk spurts: `audiotestsrc is-live=true wave=ticks freq=440 volume=0.5 tick-interval=2000000000 sine-periods-per-tick=220 samplesperbuffer=960 ! audio/x-raw,rate=48000,channels=1`
  (0.5 s tone every 2 s, silence in between)
* video: `videotestsrc is-live=true pattern=ball motion=sweep ! video/x-raw,width=320,height=240,framerate=30/1 ! vp8enc deadline=1 keyframe-max-dist=60 target-bitrate=100000 threads=1`

| file | pipeline after the source | notes |
| --- | --- | --- |
| `opus_clean_ns.pcap` | sine, num-buffers=250 (5 s) `! opusenc ! rtpopuspay pt=111 ssrc=0x1A2B3C01 seqnum-offset=1000 timestamp-offset=4294800000 ! udpsink host=127.0.0.1 port=5004 bind-port=40004` | captured with `tcpdump --time-stamp-precision=nano` (nanosecond pcap, magic a1b23c4d). No impairment. The RTP timestamp wraps past 2^32 about 3.5 s in. |
| `opus_clean.pcap` | `editcap -F pcap opus_clean_ns.pcap opus_clean.pcap` | identical packets, microsecond pcap (timestamps truncated to us). An analyser must give the same result for both, up to ~0.001 ms rounding in times/jitter. |
| `opus_dtx.pcap` | talk spurts, num-buffers=300 (6 s) `! opusenc dtx=true audio-type=voice bitrate-type=vbr ! rtpopuspay pt=111 dtx=true ssrc=0x1A2B3C02 ...` | Real Opus DTX as WebRTC sends it: in silence the payloader does not send the encoder's 1-byte DTX frames, so the **RTP timestamp jumps while the sequence numbers stay contiguous** (no loss!). Pattern per 2 s: ~0.5 s of 20 ms speech frames, ~8 frames of 3-byte payloads (hangover), then one 3-byte comfort-noise update every 420 ms (timestamp step 20160 = 21 frames, arrival gap ~420 ms), and a step of 2880 when speech resumes. tshark sees no loss; an analyser must not count DTX gaps as loss, nor (ideally) as jitter/late packets. |
| `opus_dtx_tiny.pcap` | same as opus_dtx but `rtpopuspay` without `dtx=true` (ssrc=0x1A2B3C03) | every 20 ms frame is sent; silence is coded as 1-byte Opus payloads (TOC byte only). No timestamp jumps. |
| `opus_loss_reorder.pcap` | sine, 5 s `! opusenc ! rtpopuspay pt=111 ssrc=0x1A2B3C04 ... ! netsim drop-probability=0.05 delay-probability=0.05 min-delay=30 max-delay=80 ! udpsink ... sync=false` | random loss and reordering (a delayed packet arrives after 1-4 of its successors). |
| `vp8_clean.pcap` | video, num-buffers=120 (4 s) `! rtpvp8pay pt=96 mtu=300 ssrc=0x1A2B3C11 seqnum-offset=65400 timestamp-offset=1000000 ! udpsink host=127.0.0.1 port=5006 bind-port=40006` | no impairment; the **sequence number wraps** 65535 -> 0. Frames are split in ~2 packets (mtu=300; keyframes, every 60 frames, in more); the marker bit is set on the last packet of each frame. |
| `vp8_loss.pcap` | video, 4 s `! rtpvp8pay pt=96 mtu=300 ssrc=0x1A2B3C12 ... ! netsim drop-probability=0.03 delay-probability=0.03 min-delay=20 max-delay=60 ! udpsink ... sync=false` | random loss, maybe some reordering (see `ooo`). |
| `av_call.pcapng` | `rtpbin name=rb rtp-profile=avpf`; sine 4 s `! opusenc ! rtpopuspay pt=111 ssrc=0x1A2B3C21 ! rb.send_rtp_sink_0`, `rb.send_rtp_src_0 ! udpsink port=5004`, `rb.send_rtcp_src_0 ! udpsink port=5005`; video 4 s `! rtpvp8pay pt=96 mtu=300 ssrc=0x1A2B3C22 ! rb.send_rtp_sink_1`, `rb.send_rtp_src_1 ! udpsink port=5006`, `rb.send_rtcp_src_1 ! udpsink port=5007` | captured as pcap (`udp portrange 5004-5007`), cut 0.25 s after the last RTP packet (rtpbin sometimes hangs at EOS and keeps sending RRs), converted with `editcap -F pcapng`. Contains RTCP SR+SDES compound packets on 5005/5007 (non-muxed, port+1). |
| `av_call.pcap.gz` | `gzip -9 -n` of the same pcap | tshark/libpcap-style readers must transparently gunzip. |

## Measured numbers (committed files)

`lost` = expected - received (RFC 3550, from the RTP headers; same as tshark's
Lost column); `ooo` = packets whose seq is below the highest seen so far;
`ts jumps` = consecutive seq numbers whose RTP timestamp advances by more than
1.5x the usual (most frequent) step (DTX, or for video a skipped frame); `tiny` = packets with
RTP payload <= 2 / <= 3 bytes.  `netsim` = what netsim's log says it did
(dropped / delayed / duplicated), where applicable.

| file | size (bytes) | frames | dst port | SSRC | PT | packets | first seq | last seq | expected | lost | ooo | ts jumps | tiny <=2 | tiny <=3 | duration (s) | netsim drop/delay/dup | tshark Lost |
| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |
EOF
for f in "${FILES[@]}"; do
    p="$OUT/$f"
    size=$(stat -c %s "$p")
    frames=$(tshark -r "$p" -T fields -e frame.number 2>/dev/null | wc -l)
    tlost=$(tshark_lost_total "$p")
    rtp_stats "$p" | while read -r dport ssrc pt npk fseq lseq exp_ lost ooo jumps t2 t3 dur; do
        printf '| `%s` | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n' \
            "$f" "$size" "$frames" "$dport" "$ssrc" "$pt" "$npk" "$fseq" "$lseq" "$exp_" "$lost" "$ooo" \
            "$jumps" "$t2" "$t3" "$dur" "${NETSIM_INFO[$f]:--}" "$tlost"
    done
done
cat <<'EOF'

(`tshark Lost` is the sum over all streams of the file.)  RTCP packets in
`av_call.*`:
EOF
echo
echo '```'
tshark -r "$OUT/av_call.pcapng" -Y rtcp -T fields -E separator=' ' \
    -e frame.number -e frame.time_relative -e udp.dstport -e rtcp.senderssrc -e rtcp.pt 2>/dev/null |
    sed 's/^/frame /'
echo '```'
echo "$END_MARK"
} >"$OUT/README.section.md"

# install: copy the new files over the old ones; in README.md replace only our
# section (anything other tools or people wrote outside the markers is kept)
for f in "${FILES[@]}"; do
    cp -f "$OUT/$f" "$OUT/$f.tshark.txt" "$OUT/$f.tshark-pt.txt" "$DEST/"
done
if [[ -f "$DEST/README.md" ]] && grep -qF "$BEGIN_MARK" "$DEST/README.md"; then
    awk -v b="$BEGIN_MARK" -v e="$END_MARK" -v sec="$OUT/README.section.md" '
        $0 == b { while ((getline l < sec) > 0) print l; skip = 1; next }
        $0 == e { skip = 0; next }
        !skip' "$DEST/README.md" >"$OUT/README.md"
elif [[ -f "$DEST/README.md" ]]; then
    { cat "$DEST/README.md"; echo; cat "$OUT/README.section.md"; } >"$OUT/README.md"
else
    cp "$OUT/README.section.md" "$OUT/README.md"
fi
cp -f "$OUT/README.md" "$DEST/README.md"
OUT=$DEST

log "done: $(cd "$OUT" && ls -1 "${FILES[@]}" | wc -l) captures in $OUT"
ls -l "$OUT" >&2
