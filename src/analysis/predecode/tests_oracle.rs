//! The oracle's answers (wazuh-analysisd 4.14.7 through wazuh-logtest, manager `vm`)
//! for pre-decoding (docs/analysis-predecode.md "How this was checked").

use super::{predecode, predecoder_hostname};

/// The oracle's `predecoder` object (timestamp, program_name, and the ERE hostname)
/// for 47 lines.
#[test]
fn oracle_predecoder_fields() {
    type Row<'a> = (&'a str, Option<&'a str>, Option<&'a str>, Option<&'a str>);
    let table: &[Row] = &[
        (
            "Dec 29 10:00:01 myhost sshd[1234]: Failed password",
            Some("Dec 29 10:00:01"),
            Some("sshd"),
            Some("myhost"),
        ),
        (
            "Dec 29 10:00:01 myhost sshd[12x]: msg",
            Some("Dec 29 10:00:01"),
            None,
            Some("myhost"),
        ),
        (
            "Dec 29 10:00:01 myhost kernel: [ID 123 auth.info] text",
            Some("Dec 29 10:00:01"),
            Some("kernel"),
            Some("myhost"),
        ),
        (
            "Dec 29 10:00:01 sshd: no hostname",
            Some("Dec 29 10:00:01"),
            Some("sshd"),
            Some("sshd:"),
        ),
        (
            "Dec 29 10:00:01 myhost %ASA-6-302013: Built",
            Some("Dec 29 10:00:01"),
            None,
            Some("myhost"),
        ),
        (
            "Dec 29 10:00:01 myhost",
            Some("Dec 29 10:00:01"),
            None,
            Some("myhost"),
        ),
        (
            "2009-05-22T09:36:46.214994-07:00 myhost prog: x",
            Some("2009-05-22T09:36:46.214994-07:00"),
            Some("prog"),
            None,
        ),
        (
            "2015-04-16 21:51:02,805 myhost prog: x",
            Some("2015-04-16 21:51:02,805"),
            Some("prog"),
            None,
        ),
        (
            "[Fri Feb 11 18:06:35 2004] [warn] apache",
            Some("Fri Feb 11 18:06:35 2004"),
            None,
            None,
        ),
        ("{\"a\":\"b\"}", None, None, None),
        (
            "Dec  9 10:00:01 h p: m",
            Some("Dec  9 10:00:01"),
            Some("p"),
            Some("h"),
        ),
        (
            "xxx xx xx:xx:xx host prog: m",
            Some("xxx xx xx:xx:xx"),
            Some("prog"),
            None,
        ),
        ("2007-06-14T15:48:55-04:00 h p: m", None, None, None),
        (
            "2022-12-19T15:02:53.288+00:00 h p: m",
            Some("2022-12-19T15:02:53.288+00:00"),
            Some("p"),
            None,
        ),
        (
            "2016-06-19T12:18:09.123456+0000 h p: m",
            Some("2016-06-19T12:18:09.123456+0000"),
            Some("p"),
            None,
        ),
        (
            "2021-01-01T10:00:00.123Z myhost prog: x",
            Some("2021-01-01T10:00:00.123Z myhost"),
            Some("prog"),
            None,
        ),
        (
            "2015 Dec 29 10:00:01 h p: m",
            Some("2015 Dec 29 10:00:01"),
            Some("p"),
            None,
        ),
        (
            "2021-04-21 10:16:09.404756-0700 h p: m",
            Some("2021-04-21 10:16:09.404756-0700"),
            Some("p"),
            None,
        ),
        (
            "Mon Apr 17 18:27:14 2006 1 64.160.42.130 x",
            Some("Mon Apr 17 18:27:14 2006"),
            None,
            None,
        ),
        (
            "01/28-09:13:16.240702  [**] snort",
            Some("01/28-09:13:16.240702"),
            None,
            None,
        ),
        (
            "01/28/1979-09:13:16.240702  [**] suricata",
            Some("01/28/1979-09:13:16.240702"),
            None,
            None,
        ),
        (
            "[Time 2006.12.28 15:53:55 UTC] [Facility auth] [Sender sshd] [PID 483] [Message error: PAM: fail] [Level 3] [Host myhost]",
            None,
            Some("sshd"),
            None,
        ),
        (
            "[Time 2006.12.28 15:53:55 UTC] [Facility auth] [Sender sshd] [Message m1] [Message m2] [Host h] [Sender x]",
            None,
            Some("sshd"),
            None,
        ),
        (
            "1140804070.368  11623 192.168.0.1 TCP_MISS/200 x",
            Some("1140804070.368 "),
            None,
            None,
        ),
        ("2021-01-01T10:00:00Z h p: m", None, None, None),
        (
            "Mär 02 17:30:52 host prog: x",
            Some("Mär 02 17:30:5"),
            Some("prog"),
            None,
        ),
        (
            "Dec 29 10:00:01 myhost!x y",
            Some("Dec 29 10:00:01"),
            None,
            Some("myhost!x"),
        ),
        (
            "Dec 29 10:00:01 myhost prog x",
            Some("Dec 29 10:00:01"),
            None,
            Some("myhost"),
        ),
        (
            "Dec 29 10:00:01 myhost sshd[123] msg",
            Some("Dec 29 10:00:01"),
            Some("sshd"),
            Some("myhost"),
        ),
        (
            "Dec 29 10:00:01 myhost sshd[123]:msg",
            Some("Dec 29 10:00:01"),
            Some("sshd"),
            Some("myhost"),
        ),
        (
            "Dec 29 10:00:01 myhost sshd:msg",
            Some("Dec 29 10:00:01"),
            Some("sshd"),
            Some("myhost"),
        ),
        (
            "Dec 29 10:00:01 myhost auth|security:info sshd: msg",
            Some("Dec 29 10:00:01"),
            Some("sshd"),
            Some("myhost"),
        ),
        (
            "Dec 29 10:00:01 myhost auth|security:info sshd[12]: msg",
            Some("Dec 29 10:00:01"),
            Some("sshd"),
            Some("myhost"),
        ),
        (
            "Dec 29 10:00:01 myhost auth|security:info sshd[12x]: msg",
            Some("Dec 29 10:00:01"),
            Some("sshd"),
            Some("myhost"),
        ),
        (
            "Dec 29 10:00:01 myhost auth|security:info sshd msg",
            Some("Dec 29 10:00:01"),
            Some("sshd msg"),
            Some("myhost"),
        ),
        (
            "Dec 29 10:00:01 myhost auth|security msg",
            Some("Dec 29 10:00:01"),
            None,
            Some("myhost"),
        ),
        (
            "Dec 29 10:00:01 myhost auth|security:info: msg",
            Some("Dec 29 10:00:01"),
            None,
            Some("myhost"),
        ),
        (
            "Dec 29 10:00:01 myhost auth|Sec:info p: msg",
            Some("Dec 29 10:00:01"),
            None,
            Some("myhost"),
        ),
        (
            "Dec 29 10:00:01 sshd: [ID 123 auth.info] text",
            Some("Dec 29 10:00:01"),
            Some("sshd"),
            Some("sshd:"),
        ),
        (
            "Dec 29 10:00:01 h p: [ID 1 a.b]",
            Some("Dec 29 10:00:01"),
            Some("p"),
            Some("h"),
        ),
        (
            "Dec 29 10:00:01 h p: [ID 1 a.b",
            Some("Dec 29 10:00:01"),
            Some("p"),
            Some("h"),
        ),
        (
            "Dec 29 10:00:01  h p: m",
            Some("Dec 29 10:00:01"),
            Some("p"),
            None,
        ),
        (
            "Dec 29 10:00:01 : m",
            Some("Dec 29 10:00:01"),
            Some(""),
            Some(":"),
        ),
        (
            "Dec 29 10:00:01 h : m",
            Some("Dec 29 10:00:01"),
            Some(""),
            Some("h"),
        ),
        (
            "Dec 29 10:00:01 h :m",
            Some("Dec 29 10:00:01"),
            Some(""),
            Some("h"),
        ),
        (
            "Dec 29 10:00:01 h p[1]:  m",
            Some("Dec 29 10:00:01"),
            Some("p"),
            Some("h"),
        ),
        ("short", None, None, None),
    ];
    let s = |v: Option<&[u8]>| v.map(|b| String::from_utf8_lossy(b).into_owned());
    for (line, ts, prog, host) in table {
        let e = predecode(b"stdin", line.as_bytes(), b"vm");
        assert_eq!(s(e.timestamp.as_deref()), ts.map(String::from), "{line}");
        assert_eq!(
            s(e.program_name.as_deref()),
            prog.map(String::from),
            "{line}"
        );
        let ere = predecoder_hostname(&e.full_log);
        assert_eq!(s(ere), host.map(String::from), "{line}");
    }
}
