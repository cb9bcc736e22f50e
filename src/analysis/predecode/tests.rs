//! Pre-decoding vectors. Expected values: cases worked out by hand from
//! `src/analysisd/cleanevent.c` (verified against the C code) and the answers of `OS_CleanMSG` from
//! `src/analysisd/cleanevent.c` v4.14.7 compiled with stand-ins for its helpers,
//! manager host `M` (docs/analysis-predecode.md "How this was checked").

use super::{log_follows_nul, predecode, predecoder_hostname, try_predecode};

/// The C driver's output format.
fn show(location: &str, event: &str) -> String {
    let Ok(e) = try_predecode(location.as_bytes(), event.as_bytes(), b"M.example.com") else {
        return "ERROR".to_string();
    };
    let q = |v: &[u8]| format!("\"{}\"", String::from_utf8_lossy(v));
    let opt = |v: &Option<Vec<u8>>| v.as_deref().map_or("NULL".to_string(), q);
    [
        format!("location={}", q(&e.location)),
        format!("log={}", q(&e.log)),
        format!("timestamp={}", opt(&e.timestamp)),
        format!("hostname={}", q(&e.hostname)),
        format!("program={}", opt(&e.program_name)),
        format!("agent={}", q(e.agent_id.as_bytes())),
    ]
    .join("\t")
}

#[test]
fn every_row_and_vector_as_the_c_code_gives_it() {
    let table: &[(&str, &str, &str)] = &[
        (
            "stdin",
            "Dec 29 10:00:01 myhost sshd[1234]: Failed password",
            "location=\"stdin\"\tlog=\"Failed password\"\ttimestamp=\"Dec 29 10:00:01\"\thostname=\"myhost\"\tprogram=\"sshd\"\tagent=\"000\"",
        ),
        (
            "stdin",
            "Dec 29 10:00:01 myhost sshd[12x]: msg",
            "location=\"stdin\"\tlog=\"sshd[12x]: msg\"\ttimestamp=\"Dec 29 10:00:01\"\thostname=\"myhost\"\tprogram=NULL\tagent=\"000\"",
        ),
        (
            "stdin",
            "Dec 29 10:00:01 myhost kernel: [ID 123 auth.info] text",
            "location=\"stdin\"\tlog=\"text\"\ttimestamp=\"Dec 29 10:00:01\"\thostname=\"myhost\"\tprogram=\"kernel\"\tagent=\"000\"",
        ),
        (
            "stdin",
            "Dec 29 10:00:01 sshd: no hostname",
            "location=\"stdin\"\tlog=\"no hostname\"\ttimestamp=\"Dec 29 10:00:01\"\thostname=\"M\"\tprogram=\"sshd\"\tagent=\"000\"",
        ),
        (
            "stdin",
            "Dec 29 10:00:01 myhost %ASA-6-302013: Built",
            "location=\"stdin\"\tlog=\"%ASA-6-302013: Built\"\ttimestamp=\"Dec 29 10:00:01\"\thostname=\"myhost\"\tprogram=NULL\tagent=\"000\"",
        ),
        (
            "stdin",
            "Dec 29 10:00:01 myhost",
            "location=\"stdin\"\tlog=\"myhost\"\ttimestamp=\"Dec 29 10:00:01\"\thostname=\"M\"\tprogram=NULL\tagent=\"000\"",
        ),
        (
            "stdin",
            "2009-05-22T09:36:46.214994-07:00 myhost prog: x",
            "location=\"stdin\"\tlog=\"x\"\ttimestamp=\"2009-05-22T09:36:46.214994-07:00\"\thostname=\"myhost\"\tprogram=\"prog\"\tagent=\"000\"",
        ),
        (
            "stdin",
            "2015-04-16 21:51:02,805 myhost prog: x",
            "location=\"stdin\"\tlog=\"x\"\ttimestamp=\"2015-04-16 21:51:02,805\"\thostname=\"myhost\"\tprogram=\"prog\"\tagent=\"000\"",
        ),
        (
            "stdin",
            "[Fri Feb 11 18:06:35 2004] [warn] apache",
            "location=\"stdin\"\tlog=\"[warn] apache\"\ttimestamp=\"Fri Feb 11 18:06:35 2004\"\thostname=\"M\"\tprogram=NULL\tagent=\"000\"",
        ),
        (
            "stdin",
            "{\"a\":\"b\"}",
            "location=\"stdin\"\tlog=\"{\"a\":\"b\"}\"\ttimestamp=NULL\thostname=\"M\"\tprogram=NULL\tagent=\"000\"",
        ),
        (
            "stdin",
            "Dec  9 10:00:01 h p: m",
            "location=\"stdin\"\tlog=\"m\"\ttimestamp=\"Dec  9 10:00:01\"\thostname=\"h\"\tprogram=\"p\"\tagent=\"000\"",
        ),
        (
            "stdin",
            "xxx xx xx:xx:xx host prog: m",
            "location=\"stdin\"\tlog=\"m\"\ttimestamp=\"xxx xx xx:xx:xx\"\thostname=\"host\"\tprogram=\"prog\"\tagent=\"000\"",
        ),
        (
            "stdin",
            "2007-06-14T15:48:55-04:00 h p: m",
            "location=\"stdin\"\tlog=\"2007-06-14T15:48:55-04:00 h p: m\"\ttimestamp=NULL\thostname=\"M\"\tprogram=NULL\tagent=\"000\"",
        ),
        (
            "stdin",
            "2022-12-19T15:02:53.288+00:00 h p: m",
            "location=\"stdin\"\tlog=\"m\"\ttimestamp=\"2022-12-19T15:02:53.288+00:00\"\thostname=\"h\"\tprogram=\"p\"\tagent=\"000\"",
        ),
        (
            "stdin",
            "2016-06-19T12:18:09.123456+0000 h p: m",
            "location=\"stdin\"\tlog=\"m\"\ttimestamp=\"2016-06-19T12:18:09.123456+0000\"\thostname=\"h\"\tprogram=\"p\"\tagent=\"000\"",
        ),
        (
            "stdin",
            "2021-01-01T10:00:00.123Z myhost prog: x",
            "location=\"stdin\"\tlog=\"x\"\ttimestamp=\"2021-01-01T10:00:00.123Z myhost\"\thostname=\"M\"\tprogram=\"prog\"\tagent=\"000\"",
        ),
        (
            "stdin",
            "2015 Dec 29 10:00:01 h p: m",
            "location=\"stdin\"\tlog=\"m\"\ttimestamp=\"2015 Dec 29 10:00:01\"\thostname=\"h\"\tprogram=\"p\"\tagent=\"000\"",
        ),
        (
            "stdin",
            "2021-04-21 10:16:09.404756-0700 h p: m",
            "location=\"stdin\"\tlog=\"m\"\ttimestamp=\"2021-04-21 10:16:09.404756-0700\"\thostname=\"h\"\tprogram=\"p\"\tagent=\"000\"",
        ),
        (
            "stdin",
            "Mon Apr 17 18:27:14 2006 1 64.160.42.130 x",
            "location=\"stdin\"\tlog=\"1 64.160.42.130 x\"\ttimestamp=\"Mon Apr 17 18:27:14 2006\"\thostname=\"M\"\tprogram=NULL\tagent=\"000\"",
        ),
        (
            "stdin",
            "01/28-09:13:16.240702  [**] snort",
            "location=\"stdin\"\tlog=\"[**] snort\"\ttimestamp=\"01/28-09:13:16.240702\"\thostname=\"M\"\tprogram=NULL\tagent=\"000\"",
        ),
        (
            "stdin",
            "01/28/1979-09:13:16.240702  [**] suricata",
            "location=\"stdin\"\tlog=\"[**] suricata\"\ttimestamp=\"01/28/1979-09:13:16.240702\"\thostname=\"M\"\tprogram=NULL\tagent=\"000\"",
        ),
        (
            "stdin",
            "[Time 2006.12.28 15:53:55 UTC] [Facility auth] [Sender sshd] [PID 483] [Message error: PAM: fail] [Level 3] [Host myhost]",
            "location=\"stdin\"\tlog=\"error: PAM: fail\"\ttimestamp=NULL\thostname=\"myhost\"\tprogram=\"sshd\"\tagent=\"000\"",
        ),
        (
            "stdin",
            "[Time 2006.12.28 15:53:55 UTC] [Facility auth] [Sender sshd] [Message m1] [Message m2] [Host h] [Sender x]",
            "location=\"stdin\"\tlog=\"m1\"\ttimestamp=NULL\thostname=\"h\"\tprogram=\"sshd\"\tagent=\"000\"",
        ),
        (
            "stdin",
            "1140804070.368  11623 192.168.0.1 TCP_MISS/200 x",
            "location=\"stdin\"\tlog=\"11623 192.168.0.1 TCP_MISS/200 x\"\ttimestamp=\"1140804070.368 \"\thostname=\"M\"\tprogram=NULL\tagent=\"000\"",
        ),
        (
            "stdin",
            "2021-01-01T10:00:00Z h p: m",
            "location=\"stdin\"\tlog=\"2021-01-01T10:00:00Z h p: m\"\ttimestamp=NULL\thostname=\"M\"\tprogram=NULL\tagent=\"000\"",
        ),
        (
            "stdin",
            "Mär 02 17:30:52 host prog: x",
            "location=\"stdin\"\tlog=\"x\"\ttimestamp=\"Mär 02 17:30:5\"\thostname=\"host\"\tprogram=\"prog\"\tagent=\"000\"",
        ),
        (
            "stdin",
            "Dec 29 10:00:01 myhost!x y",
            "location=\"stdin\"\tlog=\"myhost!x y\"\ttimestamp=\"Dec 29 10:00:01\"\thostname=\"M\"\tprogram=NULL\tagent=\"000\"",
        ),
        (
            "stdin",
            "Dec 29 10:00:01 myhost prog x",
            "location=\"stdin\"\tlog=\"prog x\"\ttimestamp=\"Dec 29 10:00:01\"\thostname=\"myhost\"\tprogram=NULL\tagent=\"000\"",
        ),
        (
            "stdin",
            "Dec 29 10:00:01 myhost sshd[123] msg",
            "location=\"stdin\"\tlog=\"msg\"\ttimestamp=\"Dec 29 10:00:01\"\thostname=\"myhost\"\tprogram=\"sshd\"\tagent=\"000\"",
        ),
        (
            "stdin",
            "Dec 29 10:00:01 myhost sshd[123]:msg",
            "location=\"stdin\"\tlog=\"msg\"\ttimestamp=\"Dec 29 10:00:01\"\thostname=\"myhost\"\tprogram=\"sshd\"\tagent=\"000\"",
        ),
        (
            "stdin",
            "Dec 29 10:00:01 myhost sshd:msg",
            "location=\"stdin\"\tlog=\"msg\"\ttimestamp=\"Dec 29 10:00:01\"\thostname=\"myhost\"\tprogram=\"sshd\"\tagent=\"000\"",
        ),
        (
            "stdin",
            "Dec 29 10:00:01 myhost auth|security:info sshd: msg",
            "location=\"stdin\"\tlog=\"msg\"\ttimestamp=\"Dec 29 10:00:01\"\thostname=\"myhost\"\tprogram=\"sshd\"\tagent=\"000\"",
        ),
        (
            "stdin",
            "Dec 29 10:00:01 myhost auth|security:info sshd[12]: msg",
            "location=\"stdin\"\tlog=\"msg\"\ttimestamp=\"Dec 29 10:00:01\"\thostname=\"myhost\"\tprogram=\"sshd\"\tagent=\"000\"",
        ),
        (
            "stdin",
            "Dec 29 10:00:01 myhost auth|security:info sshd[12x]: msg",
            "location=\"stdin\"\tlog=\"auth|security:info sshd\"\ttimestamp=\"Dec 29 10:00:01\"\thostname=\"myhost\"\tprogram=\"sshd\"\tagent=\"000\"",
        ),
        (
            "stdin",
            "Dec 29 10:00:01 myhost auth|security:info sshd msg",
            "location=\"stdin\"\tlog=\" msg\"\ttimestamp=\"Dec 29 10:00:01\"\thostname=\"myhost\"\tprogram=\"sshd msg\"\tagent=\"000\"",
        ),
        (
            "stdin",
            "Dec 29 10:00:01 myhost auth|security msg",
            "location=\"stdin\"\tlog=\"auth|security msg\"\ttimestamp=\"Dec 29 10:00:01\"\thostname=\"myhost\"\tprogram=NULL\tagent=\"000\"",
        ),
        (
            "stdin",
            "Dec 29 10:00:01 myhost auth|security:info: msg",
            "location=\"stdin\"\tlog=\"auth|security:info: msg\"\ttimestamp=\"Dec 29 10:00:01\"\thostname=\"myhost\"\tprogram=NULL\tagent=\"000\"",
        ),
        (
            "stdin",
            "Dec 29 10:00:01 myhost auth|Sec:info p: msg",
            "location=\"stdin\"\tlog=\"auth|Sec:info p: msg\"\ttimestamp=\"Dec 29 10:00:01\"\thostname=\"myhost\"\tprogram=NULL\tagent=\"000\"",
        ),
        (
            "stdin",
            "Dec 29 10:00:01 sshd: [ID 123 auth.info] text",
            "location=\"stdin\"\tlog=\"text\"\ttimestamp=\"Dec 29 10:00:01\"\thostname=\"M\"\tprogram=\"sshd\"\tagent=\"000\"",
        ),
        (
            "stdin",
            "Dec 29 10:00:01 h p: [ID 1 a.b]",
            "location=\"stdin\"\tlog=\"\"\ttimestamp=\"Dec 29 10:00:01\"\thostname=\"h\"\tprogram=\"p\"\tagent=\"000\"",
        ),
        (
            "stdin",
            "Dec 29 10:00:01 h p: [ID 1 a.b",
            "location=\"stdin\"\tlog=\"[ID 1 a.b\"\ttimestamp=\"Dec 29 10:00:01\"\thostname=\"h\"\tprogram=\"p\"\tagent=\"000\"",
        ),
        (
            "stdin",
            "Dec 29 10:00:01  h p: m",
            "location=\"stdin\"\tlog=\"m\"\ttimestamp=\"Dec 29 10:00:01\"\thostname=\"h\"\tprogram=\"p\"\tagent=\"000\"",
        ),
        (
            "stdin",
            "Dec 29 10:00:01 : m",
            "location=\"stdin\"\tlog=\"m\"\ttimestamp=\"Dec 29 10:00:01\"\thostname=\"M\"\tprogram=\"\"\tagent=\"000\"",
        ),
        (
            "stdin",
            "Dec 29 10:00:01 h : m",
            "location=\"stdin\"\tlog=\"m\"\ttimestamp=\"Dec 29 10:00:01\"\thostname=\"h\"\tprogram=\"\"\tagent=\"000\"",
        ),
        (
            "stdin",
            "Dec 29 10:00:01 h :m",
            "location=\"stdin\"\tlog=\"m\"\ttimestamp=\"Dec 29 10:00:01\"\thostname=\"h\"\tprogram=\"\"\tagent=\"000\"",
        ),
        (
            "stdin",
            "Dec 29 10:00:01 h p[1]:  m",
            "location=\"stdin\"\tlog=\" m\"\ttimestamp=\"Dec 29 10:00:01\"\thostname=\"h\"\tprogram=\"p\"\tagent=\"000\"",
        ),
        (
            "stdin",
            "short",
            "location=\"stdin\"\tlog=\"short\"\ttimestamp=NULL\thostname=\"M\"\tprogram=NULL\tagent=\"000\"",
        ),
        (
            "stdin",
            "",
            "location=\"stdin\"\tlog=\"\"\ttimestamp=NULL\thostname=\"M\"\tprogram=NULL\tagent=\"000\"",
        ),
        (
            "a:b|c",
            "Dec 29 10:00:01 h p: m",
            "location=\"a:b|c\"\tlog=\"m\"\ttimestamp=\"Dec 29 10:00:01\"\thostname=\"h\"\tprogram=\"p\"\tagent=\"000\"",
        ),
        (
            "[001] (agent1) 10.0.0.1->/var/log/secure",
            "Dec 29 10:00:01 h p: m",
            "location=\"(agent1) 10.0.0.1->/var/log/secure\"\tlog=\"m\"\ttimestamp=\"Dec 29 10:00:01\"\thostname=\"agent1\"\tprogram=\"p\"\tagent=\"001\"",
        ),
        (
            "[001] agent1->/var/log",
            "x",
            "location=\"agent1->/var/log\"\tlog=\"x\"\ttimestamp=NULL\thostname=\"\"\tprogram=NULL\tagent=\"001\"",
        ),
        (
            "[001]",
            "x",
            "location=\"\"\tlog=\"x\"\ttimestamp=NULL\thostname=\"\"\tprogram=NULL\tagent=\"001\"",
        ),
        (
            "[002] (noclose any->x",
            "x",
            "location=\"(noclose any->x\"\tlog=\"x\"\ttimestamp=NULL\thostname=\"\"\tprogram=NULL\tagent=\"002\"",
        ),
        ("[003", "x", "ERROR"),
        (
            "stdin",
            "2007-06-14T15:48:55-04:00 myhost prog: a longer line",
            "location=\"stdin\"\tlog=\"a longer line\"\ttimestamp=\"2007-06-14T15:48:55-04:00\"\thostname=\"myhost\"\tprogram=\"prog\"\tagent=\"000\"",
        ),
    ];
    for (location, event, want) in table {
        assert_eq!(show(location, event), *want, "{location:?} {event:?}");
    }
}

#[test]
fn full_log_is_the_line_untouched() {
    let e = predecode(b"stdin", b"Dec 29 10:00:01 myhost sshd[1]: x", b"M");
    assert_eq!(e.full_log, b"Dec 29 10:00:01 myhost sshd[1]: x");
    assert_eq!(e.time, 0);
}

#[test]
fn a_refused_location_is_kept_by_predecode() {
    assert!(try_predecode(b"[003", b"x", b"M").is_err());
    let e = predecode(b"[003", b"x", b"M");
    assert_eq!(e.location, b"[003");
    assert_eq!(e.agent_id, "000");
}

#[test]
fn hostile_lines_do_not_panic() {
    let big = vec![b'a'; 10 * 1024 * 1024];
    let e = predecode(b"stdin", &big, b"M");
    assert_eq!(e.log.len(), big.len());
    for line in [
        &b"\0"[..],
        b"Dec 29 10:00:01 \0host",
        b"Dec 29 10:00:01 h p[",
        b"Dec 29 10:00:01 h p[1",
        b"Dec 29 10:00:01 h a|b",
        b"Dec 29 10:00:01 h p: [ID ",
        b"[Time 2006.12.28 15:53:55 UTC] [Sender",
        b"[Time 2006.12.28 15:53:55 UTC] [Message x",
        b"\xff\xfe\xc3\xa4",
        b"M\xc3\xa4",
    ] {
        let _ = predecode(b"stdin", line, b"M");
    }
    let long_location = vec![b':'; 5000];
    let e = predecode(&long_location, b"x", b"M");
    // The escaped location is cut to the daemon's 2049-byte buffer (lengths from the
    // C code).
    assert_eq!(e.location.len(), 1024);
    let e = predecode(&vec![b'a'; 5000], b"x", b"M");
    assert_eq!(e.location.len(), 2048);
    let mut loc = vec![b'a'; 2046];
    loc.extend_from_slice(b":b");
    let e = predecode(&loc, b"x", b"M");
    assert_eq!(e.location.len(), 2047);
    assert_eq!(e.location.last(), Some(&b':'));
}

#[test]
fn predecoder_hostname_is_the_token_after_a_bsd_timestamp() {
    let h = |s: &str| predecoder_hostname(s.as_bytes()).map(|b| b.to_vec());
    assert_eq!(
        h("Dec 29 10:00:01 myhost sshd: x"),
        Some(b"myhost".to_vec())
    );
    assert_eq!(h("Dec  9 10:00:01 myhost"), Some(b"myhost".to_vec()));
    assert_eq!(h("Dec 29 10:00:01 sshd: x"), Some(b"sshd:".to_vec()));
    assert_eq!(h("Dec 49 10:00:01 myhost x"), None);
    assert_eq!(h("dec 29 10:00:01 myhost x"), None);
    assert_eq!(h("Dec 29 10:00:01  myhost"), None);
    assert_eq!(h("2015 Dec 29 10:00:01 h x"), None);
}

#[test]
fn the_byte_before_log() {
    // Oracle: a regex pointing one before `log` continues at `log` after "p: " and
    // at "" after "p:" (the `:` became a NUL).
    assert!(!log_follows_nul(b"Dec 29 10:00:01 h zzpatrx18: abc"));
    assert!(log_follows_nul(b"Dec 29 10:00:01 h zzpatrx18:abc"));
    // A line with no header: the copy follows full_log's terminator.
    assert!(log_follows_nul(b"{\"a\":1}"));
    // The space after a host name with no program became a NUL.
    assert!(log_follows_nul(
        b"Dec 29 10:00:01 myhost %ASA-6-302013: Built"
    ));
    assert!(!log_follows_nul(b"Dec 29 10:00:01 myhost sshd[1]: x"));
}
