//! `berth build`: instructions checked by running the built image, multi-stage, the layer
//! cache, `.dockerignore`, heredocs, reproducibility and the error cases.

use std::path::PathBuf;

use crate::util::Env;

/// A context directory `name` in the work dir with these files (owned by the test user).
fn context(env: &Env, name: &str, files: &[(&str, &str)]) -> PathBuf {
    let dir = env.make_dir(name);
    for (path, body) in files {
        let p = dir.join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(&p, body).unwrap();
    }
    env.give_to_user(&dir);
    dir
}

fn build(env: &Env, ctx: &PathBuf, extra: &[&str]) -> crate::util::command::Output {
    env.berth(["build", "--pull=never"])
        .args(extra)
        .arg(ctx)
        .output()
}

#[test]
fn build_runs_every_instruction_and_the_image_carries_them() {
    let Some(env) = Env::rootless() else { return };
    env.import_busybox();
    let ctx = context(
        &env,
        "ctx",
        &[
            (
                "Dockerfile",
                r#"ARG BASE=busybox
FROM $BASE
MAINTAINER someone
ARG GREETING=hello
ENV APP=/app PATH=/app/bin:/usr/bin:/bin:/sbin
LABEL org.example.name="demo app" version=1
WORKDIR $APP
COPY greet.sh bin/
COPY --chmod=0640 data/ /srv/data/
RUN echo "$GREETING from run" > /app/built && chmod +x /app/bin/greet.sh
EXPOSE 8080 53/udp
VOLUME /cache
USER 1000:1000
STOPSIGNAL SIGINT
HEALTHCHECK --interval=30s --retries=2 CMD true
ONBUILD RUN echo child
SHELL ["/bin/sh", "-ec"]
ENTRYPOINT ["/bin/sh", "-c"]
CMD ["cat /app/built; greet.sh; pwd; id -u"]
"#,
            ),
            ("greet.sh", "#!/bin/sh\necho greet $APP\n"),
            ("data/a.txt", "a\n"),
            ("data/sub/b.txt", "b\n"),
        ],
    );
    let out = build(
        &env,
        &ctx,
        &[
            "-t",
            "demo",
            "--build-arg",
            "GREETING=hi",
            "--build-arg",
            "BASE=busybox",
        ],
    );
    out.success();
    let lines = out.stdout_lines();
    out.check(lines[0] == "STEP 1/18: FROM $BASE", "the first STEP line");
    out.stdout_contains("STEP 9/18: RUN echo")
        .stdout_contains("\nCOMMIT demo\n")
        .stdout_contains("Successfully tagged localhost/demo:latest");
    let id = lines.last().unwrap().clone();
    out.check(
        crate::util::is_image_id(&id),
        "the last line is the full id",
    );
    let run = env.berth(["run", "--rm", "demo"]).output();
    run.success();
    run.stdout_eq("hi from run\ngreet /app\n/app\n1000\n");
    // A copied directory's contents, with --chmod, owned by root.
    let ls = env
        .berth(["run", "--rm", "--user", "0", "--entrypoint", "", "demo"])
        .args(["ls", "-lnR", "/srv/data"])
        .output();
    ls.success()
        .stdout_contains("-rw-r-----    1 0        0                2 ")
        .stdout_contains("a.txt")
        .stdout_contains("b.txt");
    let inspect = env.berth(["inspect", "--type", "image", "demo"]).output();
    inspect.success();
    let v: serde_json::Value = serde_json::from_str(&inspect.stdout()).unwrap();
    let c = &v[0]["Config"];
    assert_eq!(c["Entrypoint"], serde_json::json!(["/bin/sh", "-c"]), "{c}");
    assert_eq!(c["WorkingDir"], "/app");
    assert_eq!(c["User"], "1000:1000");
    assert_eq!(c["StopSignal"], "SIGINT");
    assert_eq!(c["Labels"]["org.example.name"], "demo app");
    assert!(c["ExposedPorts"].get("8080/tcp").is_some(), "{c}");
    assert!(c["ExposedPorts"].get("53/udp").is_some(), "{c}");
    assert!(c["Volumes"].get("/cache").is_some(), "{c}");
    assert!(c["Env"].as_array().unwrap().iter().any(|e| e == "APP=/app"));
    // Build args are not kept in the image.
    assert!(!c["Env"].to_string().contains("GREETING"), "{c}");
    assert_eq!(
        c["Healthcheck"]["Test"],
        serde_json::json!(["CMD-SHELL", "true"]),
        "{c}"
    );
    assert_eq!(c["Healthcheck"]["Retries"], 2, "{c}");
    assert_eq!(c["OnBuild"], serde_json::json!(["RUN echo child"]), "{c}");
    // History: the base's entry, then one per step; metadata steps are empty layers.
    let history = v[0]["History"].as_array().unwrap();
    // (ARG records nothing, as with BuildKit.)
    assert_eq!(history.len(), 1 + 16, "{history:?}");
    let layers = history
        .iter()
        .filter(|h| h.get("empty_layer").is_none())
        .count();
    assert_eq!(
        layers, 5,
        "base, WORKDIR (a new directory), two COPYs and the RUN make layers: {history:?}"
    );
    assert_eq!(
        v[0]["RootFS"]["Layers"].as_array().map(Vec::len),
        Some(5),
        "{}",
        v[0]["RootFS"]
    );
    assert!(history[7]["created_by"]
        .as_str()
        .unwrap()
        .contains("echo \"$GREETING from run\""));
    // WORKDIR makes its directory even when no later step writes there.
    let wd = context(
        &env,
        "wd",
        &[(
            "Dockerfile",
            "FROM busybox\nWORKDIR /srv/site\nUSER tester\nCMD [\"pwd\"]\n",
        )],
    );
    build(&env, &wd, &["-t", "wd"]).success();
    env.berth(["run", "--rm", "wd", "stat", "-c", "%u %n", "/srv/site"])
        .output()
        .success()
        .stdout_eq("0 /srv/site\n");
    // The child build runs the ONBUILD trigger.
    let child = context(
        &env,
        "child",
        &[("Dockerfile", "FROM demo\nUSER 0\nRUN test -e /app/built\n")],
    );
    let out = build(&env, &child, &["-t", "child"]);
    out.success().stdout_contains("child\n");
}

#[test]
fn build_cache_reuses_steps_and_rebuilds_from_a_changed_file() {
    let Some(env) = Env::rootless() else { return };
    env.import_busybox();
    let ctx = context(
        &env,
        "ctx",
        &[
            (
                "Dockerfile",
                "FROM busybox\nRUN echo first-run-$((1+1))\nCOPY a.txt /a.txt\nRUN echo second-run-$((1+1))\nCMD [\"cat\", \"/a.txt\"]\n",
            ),
            ("a.txt", "one\n"),
        ],
    );
    let first = build(&env, &ctx, &["-t", "cached"]);
    first.success().stdout_contains("first-run-2\n");
    let first_id = first.stdout_lines().last().unwrap().clone();
    let again = build(&env, &ctx, &["-t", "cached"]);
    again
        .success()
        .stdout_lacks("first-run-2")
        .stdout_lacks("second-run-2")
        .stdout_contains("--> Using cache ");
    again.check(
        again.stdout_lines().last().unwrap() == &first_id,
        "a fully cached rebuild gives the same image",
    );
    std::fs::write(ctx.join("a.txt"), "two\n").unwrap();
    let changed = build(&env, &ctx, &["-t", "cached"]);
    changed
        .success()
        .stdout_lacks("first-run-2")
        .stdout_contains("second-run-2\n");
    env.berth(["run", "--rm", "cached"])
        .output()
        .success()
        .stdout_eq("two\n");
    // --no-cache runs everything again.
    // -q: only the id on stdout; RUN output goes to stderr.
    let quiet = env
        .berth(["build", "--pull=never", "--no-cache", "-q"])
        .arg(&ctx)
        .expect_stderr()
        .output();
    quiet.success();
    quiet.check(
        quiet.stdout_lines().len() == 1 && crate::util::is_image_id(&quiet.stdout_lines()[0]),
        "-q prints only the id",
    );
    quiet.stderr_contains("first-run-2\n");
    // Cache entries and their layers are no problem for `system check`.
    env.berth(["system", "check"])
        .output()
        .success()
        .stdout_eq("no problems found\n");
    // The cache survives until `builder prune`, and `system prune` prunes it too.
    env.berth(["builder", "prune", "-f"]).output().success();
    build(&env, &ctx, &["-t", "cached"])
        .success()
        .stdout_contains("first-run-2\n");
    build(&env, &ctx, &["-t", "cached"])
        .success()
        .stdout_lacks("first-run-2");
    let pruned = env.berth(["system", "prune", "-f"]).output();
    pruned
        .success()
        .stdout_contains("Deleted build cache entries: ");
    build(&env, &ctx, &["-t", "cached"])
        .success()
        .stdout_contains("first-run-2\n");
    // The built image is named, so pruning left it alone.
    env.berth(["run", "--rm", "cached"])
        .output()
        .success()
        .stdout_eq("two\n");
}

#[test]
fn build_multi_stage_runs_only_needed_stages_and_copies_from() {
    let Some(env) = Env::rootless() else { return };
    env.import_busybox();
    let ctx = context(
        &env,
        "ctx",
        &[(
            "Dockerfile",
            "FROM busybox AS builder\nRUN mkdir -p /out && echo built > /out/artifact\n\
             FROM busybox AS unused\nRUN echo unused-stage-ran-$((2+2))\n\
             FROM builder AS second\nRUN echo more >> /out/artifact\n\
             FROM scratch\nCOPY --from=second /out/artifact /artifact\nCOPY --from=busybox /bin/busybox /bin/cat\n\
             CMD [\"/bin/cat\", \"/artifact\"]\n",
        )],
    );
    let out = build(&env, &ctx, &["-t", "multi"]);
    out.success()
        .stdout_lacks("unused-stage-ran-4")
        .stdout_contains("[1/3] STEP 1/2: FROM busybox AS builder")
        .stdout_contains("[3/3] STEP 2/4: COPY --from=second");
    env.berth(["run", "--rm", "multi"])
        .output()
        .success()
        .stdout_eq("built\nmore\n");
    // --target builds up to a stage.
    let out = build(&env, &ctx, &["--target", "unused", "-t", "just-unused"]);
    out.success().stdout_contains("unused-stage-ran-4\n");
    // Only the final image is listed; no intermediate `<none>` rows.
    let images = env.berth(["images"]).output();
    images.success().stdout_lacks("<none>");
    images.check(
        images.stdout_lines().len() == 4,
        "busybox, multi and just-unused only",
    );
}

#[test]
fn build_honours_dockerignore_and_globs() {
    let Some(env) = Env::rootless() else { return };
    env.import_busybox();
    let ctx = context(
        &env,
        "ctx",
        &[
            (
                "Dockerfile",
                "FROM busybox\nCOPY . /ctx/\nCOPY *.txt /globbed/\nRUN find /ctx /globbed | sort\n",
            ),
            (
                ".dockerignore",
                "# comment\n*.log\nsecret/\n!secret/public\n**/cache\n",
            ),
            ("a.txt", "a"),
            ("b.txt", "b"),
            ("debug.log", "x"),
            ("secret/key", "k"),
            ("secret/public", "p"),
            ("src/cache/big", "c"),
            ("src/main.c", "m"),
        ],
    );
    let out = build(&env, &ctx, &[]);
    out.success()
        .stdout_contains("/ctx/a.txt\n")
        .stdout_contains("/ctx/src/main.c\n")
        .stdout_contains("/ctx/secret/public\n")
        .stdout_contains("/globbed/a.txt\n/globbed/b.txt\n")
        .stdout_lacks("debug.log")
        .stdout_lacks("/ctx/secret/key")
        .stdout_lacks("/ctx/src/cache");
    // An ignored file changing does not invalidate the cache.
    std::fs::write(ctx.join("debug.log"), "changed").unwrap();
    build(&env, &ctx, &[]).success().stdout_lacks("/ctx/a.txt");
}

#[test]
fn build_heredocs_in_run_and_copy() {
    let Some(env) = Env::rootless() else { return };
    env.import_busybox();
    let ctx = context(
        &env,
        "ctx",
        &[(
            "Dockerfile",
            "FROM busybox\nARG WHO=world\nRUN <<EOF\necho line one\necho hello $WHO > /hello\nEOF\n\
             COPY <<EOT /etc/motd\nwelcome $WHO\nEOT\n\
             CMD cat /hello /etc/motd\n",
        )],
    );
    let out = build(&env, &ctx, &["-t", "heredoc"]);
    out.success().stdout_contains("line one\n");
    env.berth(["run", "--rm", "heredoc"])
        .output()
        .success()
        .stdout_eq("hello world\nwelcome world\n");
}

#[test]
fn build_with_timestamp_is_reproducible() {
    let Some(env) = Env::rootless() else { return };
    env.import_busybox();
    let ctx = context(
        &env,
        "ctx",
        &[
            (
                "Dockerfile",
                "FROM busybox\nCOPY f /f\nRUN echo $RANDOM > /dev/null && mkdir /made && touch /made/x\nENV A=1\n",
            ),
            ("f", "content"),
        ],
    );
    let id = |o: &crate::util::command::Output| o.stdout_lines().last().unwrap().clone();
    let a = build(
        &env,
        &ctx,
        &["--no-cache", "--timestamp", "1700000000", "-q"],
    );
    a.success();
    std::thread::sleep(std::time::Duration::from_millis(1100));
    let b = build(
        &env,
        &ctx,
        &["--no-cache", "--timestamp", "1700000000", "-q"],
    );
    b.success();
    b.check(id(&a) == id(&b), "the same inputs give the same image id");
    let inspect = env
        .berth(["inspect", "-f", "{{.Created}}", &id(&a)])
        .output();
    inspect.success().stdout_contains("2023-11-14");
    // Without a timestamp the times differ.
    let c = build(&env, &ctx, &["--no-cache", "-q"]);
    c.success();
    c.check(
        id(&c) != id(&a),
        "a build without --timestamp has its own time",
    );
}

#[test]
fn build_errors_name_their_cause() {
    let Some(env) = Env::rootless() else { return };
    env.import_busybox();
    // A parse error names file, line and column, before anything runs.
    let ctx = context(
        &env,
        "bad",
        &[(
            "Dockerfile",
            "FROM busybox\nRUN echo ran-$((1+1))\nFORM x\n",
        )],
    );
    let out = env
        .berth(["build", "--pull=never"])
        .arg(&ctx)
        .expect_stderr()
        .output();
    out.code(125)
        .stderr_is_one_error()
        .stderr_contains("Dockerfile:3:1")
        .stdout_lacks("ran-2");
    // A missing COPY source names the path.
    let ctx = context(
        &env,
        "missing",
        &[("Dockerfile", "FROM busybox\nCOPY nothere.txt /x\n")],
    );
    env.berth(["build", "--pull=never"])
        .arg(&ctx)
        .expect_stderr()
        .output()
        .code(125)
        .stderr_contains("nothere.txt");
    // A failing RUN names the step, the command and its status; berth exits 1 and no image
    // is made.
    let ctx = context(
        &env,
        "failing",
        &[("Dockerfile", "FROM busybox\nRUN echo before\nRUN exit 3\n")],
    );
    env.berth(["build", "--pull=never", "-t", "never-made"])
        .arg(&ctx)
        .expect_stderr()
        .output()
        .code(1)
        .stderr_contains("RUN exit 3")
        .stderr_contains("status 3");
    env.berth(["images"])
        .output()
        .success()
        .stdout_lacks("never-made");
    // Bad options exit 125 naming the value.
    env.berth(["build", "--network", "bridge"])
        .arg(&ctx)
        .expect_stderr()
        .output()
        .code(125)
        .stderr_contains("bridge");
    env.berth(["build", "--target", "nope"])
        .arg(&ctx)
        .expect_stderr()
        .output()
        .code(125)
        .stderr_contains("nope");
    // Nothing half-made is left behind.
    let leftovers: Vec<_> = std::fs::read_dir(env.data_home.join("berth"))
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().starts_with(".tmp-"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

/// Serve `body` (as it is at each request) on 127.0.0.1 (for ADD URL); returns the port.
fn serve(body: std::sync::Arc<std::sync::Mutex<Vec<u8>>>) -> u16 {
    use std::io::{Read, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let mut stream = stream;
            let mut buf = [0u8; 4096];
            let _ = stream.read(&mut buf);
            let body = body.lock().unwrap().clone();
            let head = format!(
                "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                body.len()
            );
            let _ = stream.write_all(head.as_bytes());
            let _ = stream.write_all(&body);
        }
    });
    port
}

#[test]
fn build_add_unpacks_archives_and_downloads_urls() {
    let Some(env) = Env::rootless() else { return };
    env.import_busybox();
    let mut tar = crate::util::fixtures::TarBuilder::new();
    tar.dir("pkg", 0o755, (0, 0))
        .file("pkg/readme", 0o644, (0, 0), b"from the archive\n");
    let gz = crate::util::fixtures::gzip(&tar.finish());
    let ctx = context(&env, "ctx", &[]);
    std::fs::write(ctx.join("pkg.tar.gz"), &gz).unwrap();
    let body = std::sync::Arc::new(std::sync::Mutex::new(b"downloaded\n".to_vec()));
    let port = serve(body.clone());
    let digest = {
        use sha2::Digest;
        format!(
            "sha256:{}",
            hex::encode(sha2::Sha256::digest(b"downloaded\n"))
        )
    };
    std::fs::write(
        ctx.join("Dockerfile"),
        format!(
            "FROM busybox\nADD pkg.tar.gz /opt/\nCOPY pkg.tar.gz /copied/\n\
             ADD --checksum={digest} http://127.0.0.1:{port}/file.txt /dl/\n\
             CMD cat /opt/pkg/readme /dl/file.txt; ls /copied\n"
        ),
    )
    .unwrap();
    env.give_to_user(&ctx);
    build(&env, &ctx, &["-t", "added"]).success();
    env.berth(["run", "--rm", "added"])
        .output()
        .success()
        .stdout_eq("from the archive\ndownloaded\npkg.tar.gz\n");
    // The download is the cache key: the same content is a cache hit, new content a miss.
    std::fs::write(
        ctx.join("Dockerfile"),
        format!("FROM busybox\nADD http://127.0.0.1:{port}/file.txt /dl/\nCMD [\"cat\", \"/dl/file.txt\"]\n"),
    )
    .unwrap();
    build(&env, &ctx, &["-t", "dl"]).success();
    build(&env, &ctx, &["-t", "dl"])
        .success()
        .stdout_contains("Using cache");
    *body.lock().unwrap() = b"changed upstream\n".to_vec();
    build(&env, &ctx, &["-t", "dl"])
        .success()
        .stdout_lacks("Using cache");
    env.berth(["run", "--rm", "dl"])
        .output()
        .success()
        .stdout_eq("changed upstream\n");
    // A wrong checksum fails the build, naming both digests.
    let bad = "sha256:0000000000000000000000000000000000000000000000000000000000000000";
    std::fs::write(
        ctx.join("Dockerfile"),
        format!("FROM busybox\nADD --checksum={bad} http://127.0.0.1:{port}/file.txt /dl/\n"),
    )
    .unwrap();
    env.berth(["build", "--pull=never"])
        .arg(&ctx)
        .expect_stderr()
        .output()
        .code(125)
        .stderr_contains(&format!("expected {bad}"))
        .stderr_contains(&{
            use sha2::Digest;
            format!(
                "is sha256:{}",
                hex::encode(sha2::Sha256::digest(b"changed upstream\n"))
            )
        });
}

#[test]
fn build_squash_and_no_layers_make_one_new_layer() {
    let Some(env) = Env::rootless() else { return };
    env.import_busybox();
    let ctx = context(
        &env,
        "ctx",
        &[
            (
                "Dockerfile",
                "FROM busybox\nRUN echo 1 > /one\nCOPY f /f\nRUN rm /one && echo 2 > /two\nRUN rm /bin/ls\nCMD [\"sh\", \"-c\", \"echo /*; test -e /bin/ls || echo ls-gone\"]\n",
            ),
            ("f", "x"),
        ],
    );
    for (flag, layers) in [("--squash", 2), ("--layers=false", 2), ("--layers=true", 5)] {
        let out = build(&env, &ctx, &[flag, "-t", "squashed"]);
        out.success().stdout_lacks("Using cache");
        let inspect = env
            .berth(["inspect", "--type", "image", "squashed"])
            .output();
        inspect.success();
        let v: serde_json::Value = serde_json::from_str(&inspect.stdout()).unwrap();
        assert_eq!(
            v[0]["RootFS"]["Layers"].as_array().map(Vec::len),
            Some(layers),
            "{flag}: the base layer and the new ones"
        );
        // Files deleted from lower layers stay deleted (whiteouts).
        let run = env.berth(["run", "--rm", "squashed"]).output();
        run.success()
            .stdout_contains("/two")
            .stdout_lacks("/one")
            .stdout_contains("ls-gone\n");
    }
}

#[test]
fn build_copy_chown_and_entrypoint_rules() {
    let Some(env) = Env::rootless() else { return };
    env.import_busybox();
    let ctx = context(
        &env,
        "ctx",
        &[
            (
                "Dockerfile",
                "FROM busybox AS base\nCMD [\"inherited\"]\nFROM base\n\
                 COPY --chown=tester:extra owned /home/owned\n\
                 COPY --chown=1234 numeric /numeric\n\
                 COPY owned /etc/\n\
                 USER tester\n\
                 ENTRYPOINT [\"/bin/sh\", \"-c\", \"stat -c '%u:%g %n' /home/owned /numeric /etc/owned; id -un\"]\n",
            ),
            ("owned", "o"),
            ("numeric", "n"),
        ],
    );
    build(&env, &ctx, &["-t", "owned"]).success();
    // ENTRYPOINT after an inherited CMD clears it (the CMD would be an argument to sh -c).
    env.berth(["run", "--rm", "owned"])
        .output()
        .success()
        .stdout_eq("1000:2000 /home/owned\n1234:1234 /numeric\n0:0 /etc/owned\ntester\n");
    let v = env.berth(["inspect", "--type", "image", "owned"]).output();
    v.success();
    let v: serde_json::Value = serde_json::from_str(&v.stdout()).unwrap();
    assert!(v[0]["Config"].get("Cmd").is_none(), "{}", v[0]["Config"]);
    // The built image can be saved at once.
    let out = env.work.join("owned.tar");
    env.berth(["save", "-o"])
        .arg(&out)
        .arg("owned")
        .output()
        .success();
    assert!(std::fs::metadata(&out).unwrap().len() > 0);
}

#[test]
fn build_image_pushes_and_pulls_back() {
    use crate::registry::{have, Registry, Setup, REGISTRY_BIN};
    if !have(REGISTRY_BIN) {
        return;
    }
    let Some(env) = Env::rootless() else { return };
    let reg = Registry::start(Setup::default(), tempfile::tempdir().unwrap());
    env.import_busybox();
    let ctx = context(
        &env,
        "ctx",
        &[
            (
                "Dockerfile",
                "FROM busybox\nCOPY msg /msg\nRUN cat /msg > /copy\nCMD [\"cat\", \"/copy\"]\n",
            ),
            ("msg", "pushed build\n"),
        ],
    );
    let out = build(&env, &ctx, &["-t", "pushme"]);
    out.success();
    let id = out.stdout_lines().last().unwrap().clone();
    let dest = format!("{}/built/pushme:1", reg.addr);
    env.berth(["push", "-q", "--tls-verify=false", "pushme", &dest])
        .output()
        .success();
    let fresh = Env::rootless().unwrap();
    fresh
        .berth(["pull", "-q", "--tls-verify=false", &dest])
        .output()
        .success()
        .stdout_eq(&format!("{id}\n"));
    fresh
        .berth(["run", "--rm", &dest])
        .output()
        .success()
        .stdout_eq("pushed build\n");
}

#[test]
fn build_reads_stdin_writes_iidfile_and_has_aliases() {
    let Some(env) = Env::rootless() else { return };
    env.import_busybox();
    let ctx = context(&env, "ctx", &[("f", "x")]);
    let iid = env.work.join("iid");
    let out = env
        .berth([
            "build",
            "--pull=never",
            "-f",
            "-",
            "--network",
            "none",
            "--iidfile",
        ])
        .arg(&iid)
        .arg(&ctx)
        .stdin("FROM busybox\nRUN ls /sys/class/net\nCOPY f /f\n")
        .output();
    out.success().stdout_contains("\nlo\n");
    let id = out.stdout_lines().last().unwrap().clone();
    assert_eq!(
        std::fs::read_to_string(&iid).unwrap(),
        format!("sha256:{id}")
    );
    std::fs::write(ctx.join("Containerfile"), "FROM busybox\nLABEL via=alias\n").unwrap();
    for alias in [&["image", "build"][..], &["buildx", "build"][..]] {
        let out = env
            .berth(alias)
            .args(["--pull=never", "-q", "-t", "aliased"])
            .arg(&ctx)
            .output();
        out.success();
        out.check(out.stdout_lines().len() == 1, "-q prints the id only");
    }
    env.berth(["inspect", "-f", "{{.Config.Labels}}", "aliased"])
        .output()
        .success()
        .stdout_contains("via:alias");
    // A --build-arg no ARG uses is reported, as podman does.
    env.berth(["build", "--pull=never", "--build-arg", "UNUSED=1"])
        .arg(&ctx)
        .expect_stderr()
        .output()
        .success()
        .stderr_contains("not consumed: [UNUSED]");
}

#[test]
fn build_run_mounts_bind_cache_and_tmpfs() {
    let Some(env) = Env::rootless() else { return };
    env.import_busybox();
    let ctx = context(
        &env,
        "ctx",
        &[
            (
                "Dockerfile",
                "FROM busybox AS tools\nRUN echo tool > /tool\n\
                 FROM busybox\n\
                 RUN --mount=type=bind,source=data,target=/data cat /data/x > /copied\n\
                 RUN --mount=type=cache,target=/var/cache/app echo run >> /var/cache/app/log && wc -l < /var/cache/app/log > /cachecount\n\
                 RUN --mount=type=tmpfs,target=/scratch touch /scratch/t\n\
                 RUN --mount=from=tools,source=/tool,target=/t cat /t > /fromtool\n\
                 CMD cat /copied /fromtool /cachecount; test -e /data || echo no-data; test -e /scratch || echo no-scratch\n",
            ),
            ("data/x", "first\n"),
        ],
    );
    build(&env, &ctx, &["-t", "mounts"]).success();
    env.berth(["run", "--rm", "mounts"])
        .output()
        .success()
        .stdout_eq("first\ntool\n1\nno-data\nno-scratch\n");
    // The cache mount keeps its contents across builds.
    build(&env, &ctx, &["--no-cache", "-t", "mounts"]).success();
    env.berth(["run", "--rm", "mounts", "cat", "/cachecount"])
        .output()
        .success()
        .stdout_eq("2\n");
    // What a bind mount shows is part of the step's cache key.
    std::fs::write(ctx.join("data/x"), "second\n").unwrap();
    build(&env, &ctx, &["-t", "mounts"]).success();
    env.berth(["run", "--rm", "mounts", "cat", "/copied"])
        .output()
        .success()
        .stdout_eq("second\n");
    // ssh mounts are refused with a clear message.
    std::fs::write(
        ctx.join("Dockerfile"),
        "FROM busybox\nRUN --mount=type=ssh true\n",
    )
    .unwrap();
    env.berth(["build", "--pull=never"])
        .arg(&ctx)
        .expect_stderr()
        .output()
        .code(125)
        .stderr_contains("type=ssh is not supported yet");
}

#[test]
fn build_copy_exclude_and_parents() {
    let Some(env) = Env::rootless() else { return };
    env.import_busybox();
    let ctx = context(
        &env,
        "ctx",
        &[
            (
                "Dockerfile",
                "FROM busybox\n\
                 COPY --exclude=*.txt hom* /mydir/\n\
                 COPY --exclude=*.log src/ /src/\n\
                 COPY --parents x/a.txt y/a.txt /p/\n\
                 COPY --parents ./base/./keep/b.txt /q/\n\
                 CMD find /mydir /src /p /q -type f\n",
            ),
            ("home1.txt", "1"),
            ("home2.md", "2"),
            ("homedir/x.txt", "x"),
            ("homedir/y.md", "y"),
            ("src/a.log", "a"),
            ("src/b.c", "b"),
            ("src/sub/c.log", "c"),
            ("x/a.txt", "xa"),
            ("y/a.txt", "ya"),
            ("base/keep/b.txt", "b"),
        ],
    );
    build(&env, &ctx, &["-t", "excl"]).success();
    let out = env.berth(["run", "--rm", "excl"]).output();
    out.success();
    let mut files = out.stdout_lines();
    files.sort();
    assert_eq!(
        files,
        [
            "/mydir/home2.md",
            "/mydir/y.md",
            "/p/x/a.txt",
            "/p/y/a.txt",
            "/q/keep/b.txt",
            "/src/b.c",
            "/src/sub/c.log"
        ],
        "{}",
        out.report()
    );
}

#[test]
fn build_secrets_reach_run_but_not_the_image() {
    let Some(env) = Env::rootless() else { return };
    env.import_busybox();
    let ctx = context(
        &env,
        "ctx",
        &[(
            "Dockerfile",
            "FROM busybox\n\
             RUN --mount=type=secret,id=tok wc -c < /run/secrets/tok > /toklen && grep -c \"^s3c.*e$\" /run/secrets/tok\n\
             RUN --mount=type=secret,id=api,env=API_KEY test ${#API_KEY} = 8 && echo env-ok\n\
             RUN --mount=type=secret,id=absent test ! -e /run/secrets/absent && echo skipped-ok\n\
             CMD cat /toklen; test -e /run/secrets || echo no-secrets-dir\n",
        )],
    );
    let secret = env.write_file("tok.txt", b"s3cr3t-value\n");
    let out = env
        .berth(["build", "--pull=never", "-t", "sec", "--secret"])
        .arg(format!("id=tok,src={}", secret.display()))
        .args(["--secret", "id=api,env=BERTH_TEST_API"])
        .env("BERTH_TEST_API", "from-env")
        .arg(&ctx)
        .output();
    out.success()
        .stdout_contains("\n1\n")
        .stdout_contains("env-ok\n")
        .stdout_contains("skipped-ok\n");
    env.berth(["run", "--rm", "sec"])
        .output()
        .success()
        .stdout_eq("13\nno-secrets-dir\n");
    // Nothing of the secret is in the image's layers or config.
    let tar = env.work.join("sec.tar");
    env.berth(["save", "-o"])
        .arg(&tar)
        .arg("sec")
        .output()
        .success();
    let bytes = std::fs::read(&tar).unwrap();
    assert!(
        !bytes.windows(6).any(|w| w == b"s3cr3t") && !bytes.windows(8).any(|w| w == b"from-env"),
        "the secret leaked into the saved image"
    );
    // A required secret that is missing is an error naming it.
    std::fs::write(
        ctx.join("Dockerfile"),
        "FROM busybox\nRUN --mount=type=secret,id=need,required cat /run/secrets/need\n",
    )
    .unwrap();
    env.berth(["build", "--pull=never"])
        .arg(&ctx)
        .expect_stderr()
        .output()
        .code(125)
        .stderr_contains("secret `need` is required");
}

#[test]
fn build_run_steps_use_slirp4netns_or_pasta_when_asked() {
    let Some(env) = Env::rootless() else { return };
    if !crate::util::require(crate::util::Need::Slirp)
        || !crate::util::require(crate::util::Need::Pasta)
    {
        return;
    }
    env.import_busybox();
    // A server on the host's loopback, which slirp4netns opens at 10.0.2.2 when asked.
    let server = env.host_httpd("from-host\n");
    let port = server.port;
    let ctx = context(
        &env,
        "ctx",
        &[(
            "Containerfile",
            &format!(
                "FROM busybox\nRUN ls /sys/class/net && grep nameserver /etc/resolv.conf && wget -q -O - http://10.0.2.2:{port}/\n"
            ),
        )],
    );
    let out = build(
        &env,
        &ctx,
        &["--network", "slirp4netns:allow_host_loopback=true"],
    );
    drop(server);
    out.success()
        .stdout_contains("tap0\n")
        .stdout_contains("nameserver 10.0.2.3")
        .stdout_contains("from-host\n");
    // pasta: the step gets an interface besides lo (a copy of the host's).
    let ctx = context(
        &env,
        "ctx2",
        &[(
            "Containerfile",
            "FROM busybox\nRUN ls /sys/class/net | grep -vx lo\n",
        )],
    );
    build(&env, &ctx, &["--network", "pasta"]).success();
    // And --network none leaves only lo, so the same step fails (the network is not part
    // of the cache key, as in podman: hence --no-cache).
    build(&env, &ctx, &["--network", "none", "--no-cache"])
        .code(1)
        .stderr_contains("status 1");
}

#[test]
fn build_takes_podmans_flags_format_stdin_context_and_file_lookup() {
    let Some(env) = Env::rootless() else { return };
    env.import_busybox();
    // A context `-`: the Containerfile from stdin, an empty context. COMMIT names the tag as
    // given, and the short ids are buildah's 11 characters.
    let out = env
        .berth([
            "build",
            "--pull=never",
            "-t",
            "fromstdin",
            "--format=docker",
            "-",
        ])
        .stdin("FROM busybox\nRUN echo built-from-stdin\n")
        .output();
    out.success()
        .stdout_contains("built-from-stdin")
        .stdout_contains("\nCOMMIT fromstdin\n");
    let short = out
        .stdout_lines()
        .into_iter()
        .filter(|l| l.starts_with("--> ") && !l.contains("Using cache"))
        .collect::<Vec<_>>();
    out.check(
        !short.is_empty() && short.iter().all(|l| l.len() == 4 + 11),
        "`--> ` lines carry an 11-character id",
    );
    env.berth([
        "inspect",
        "--type",
        "image",
        "-f",
        "{{.ManifestType}}",
        "fromstdin",
    ])
    .output()
    .success()
    .stdout_eq("application/vnd.docker.distribution.manifest.v2+json\n");
    // BUILDAH_FORMAT is the default --format; a bad one is refused before anything runs.
    let ctx = context(&env, "ctx", &[("Cf1", "FROM busybox\n"), ("f", "x")]);
    let second = context(&env, "second", &[("Cf2", "LABEL second=yes\n")]);
    env.berth(["build", "--pull=never", "-t", "oci", "-f", "Cf1"])
        .arg(&ctx)
        .env("BUILDAH_FORMAT", "oci")
        .output()
        .success();
    env.berth([
        "inspect",
        "--type",
        "image",
        "-f",
        "{{.ManifestType}}",
        "oci",
    ])
    .output()
    .success()
    .stdout_eq("application/vnd.oci.image.manifest.v1+json\n");
    env.berth(["build", "--pull=never", "--format", "v1", "-f", "Cf1"])
        .arg(&ctx)
        .expect_stderr()
        .output()
        .code(125)
        .stderr_contains("--format `v1`");
    // -f: a relative name not found here is looked up in the context; a missing one is
    // podman's "no such file or directory"; several are read as one, in order; without a
    // context, the context is the file's directory.
    env.berth(["build", "--pull=never", "-f", "Nope"])
        .arg(&ctx)
        .expect_stderr()
        .output()
        .code(125)
        .stderr_contains("Nope: no such file or directory");
    env.berth(["build", "--pull=never", "-t", "two-files", "-f"])
        .arg(ctx.join("Cf1"))
        .arg("-f")
        .arg(second.join("Cf2"))
        .arg(&ctx)
        .output()
        .success()
        .stdout_contains("STEP 2/2: LABEL second=yes");
    env.berth(["inspect", "-f", "{{.Config.Labels}}", "two-files"])
        .output()
        .success()
        .stdout_contains("second:yes");
    std::fs::write(ctx.join("Cf3"), "FROM busybox\nCOPY f /f\n").unwrap();
    env.give_to_user(&ctx);
    env.berth(["build", "--pull=never", "-t", "ctx-of-file", "-f"])
        .arg(ctx.join("Cf3"))
        .output()
        .success();
    env.berth(["run", "--rm", "ctx-of-file", "cat", "/f"])
        .output()
        .success()
        .stdout_eq("x");
    // --pull-never with a missing base: podman's words.
    env.berth(["build", "--pull-never", "-"])
        .stdin("FROM example.invalid/none:tag\n")
        .expect_stderr()
        .output()
        .code(125)
        .stderr_contains("creating build container: example.invalid/none:tag: image not known");
    // --authfile that is not there names it.
    env.berth(["build", "--authfile=/nonexistent/auth.json", "-"])
        .stdin("FROM scratch\n")
        .expect_stderr()
        .output()
        .code(125)
        .stderr_contains("/nonexistent/auth.json: no such file or directory");
    // --logfile takes the output.
    let log = env.work.join("build.log");
    let out = env
        .berth(["build", "--pull=never", "-t", "logged", "--logfile"])
        .arg(&log)
        .arg("-")
        .stdin("FROM busybox\nRUN echo into-the-log\n")
        .output();
    out.success().stdout_lacks("into-the-log");
    let text = std::fs::read_to_string(&log).unwrap();
    assert!(
        text.contains("into-the-log") && text.contains("COMMIT logged"),
        "{text}"
    );
}

#[test]
fn build_layers_env_ulimit_seccomp_hardlinks_ignorefile_and_xz() {
    let Some(env) = Env::rootless() else { return };
    env.import_busybox();
    let ctx = context(
        &env,
        "ctx",
        &[
            (
                "Dockerfile",
                "FROM busybox\nRUN grep Seccomp: /proc/self/status\nRUN grep 'Max open files' /proc/self/limits\n",
            ),
        ],
    );
    // A RUN that changes nothing is no layer, with or without --layers.
    build(&env, &ctx, &["-t", "nolayers", "--layers=false"]).success();
    // BUILDAH_LAYERS=false turns the cache off; --layers=1 turns it back on.
    build(&env, &ctx, &["-t", "l"]).success();
    env.berth(["build", "--pull=never"])
        .arg(&ctx)
        .env("BUILDAH_LAYERS", "false")
        .output()
        .success()
        .stdout_lacks("Using cache");
    env.berth(["build", "--pull=never", "--layers=1"])
        .arg(&ctx)
        .env("BUILDAH_LAYERS", "false")
        .output()
        .success()
        .stdout_contains("Using cache");
    // --ulimit and --security-opt seccomp reach RUN steps, and are part of the cache key.
    let out = build(&env, &ctx, &["--ulimit", "nofile=101:102"]);
    out.success().stdout_contains("Seccomp:\t2");
    out.check(
        out.stdout().lines().any(|l| {
            let w: Vec<&str> = l.split_whitespace().collect();
            l.starts_with("Max open files") && w.get(3..5) == Some(&["101", "102"][..])
        }),
        "the RUN step has nofile 101:102",
    );
    build(&env, &ctx, &["--security-opt", "seccomp=unconfined"])
        .success()
        .stdout_lacks("Using cache")
        .stdout_contains("Seccomp:\t0");
    env.berth(["build", "--pull=never", "--security-opt", "label=level:s0"])
        .arg(&ctx)
        .expect_stderr()
        .output()
        .code(125)
        .stderr_contains("label=level:s0");
    // COPY keeps hard links among the copied files.
    let ctx = context(
        &env,
        "links",
        &[
            ("Dockerfile", "FROM busybox\nCOPY . /test\n"),
            ("sub/x", ""),
        ],
    );
    std::fs::hard_link(ctx.join("Dockerfile"), ctx.join("hl1")).unwrap();
    std::fs::hard_link(ctx.join("Dockerfile"), ctx.join("sub/hl2")).unwrap();
    build(&env, &ctx, &["-t", "links"]).success();
    let out = env
        .berth(["run", "--rm", "links", "stat", "-c", "%i %h"])
        .args([
            "/test/Dockerfile",
            "/test/hl1",
            "/test/sub/hl2",
            "/test/sub/x",
        ])
        .output();
    out.success();
    let lines = out.stdout_lines();
    out.check(
        lines[0] == lines[1] && lines[0] == lines[2] && lines[0].ends_with(" 3"),
        "the three names are one inode",
    );
    out.check(lines[3] != lines[0], "another file is its own inode");
    // --ignorefile replaces the context's .dockerignore; a step that copies an excluded
    // path fails in podman's words.
    let ctx = context(
        &env,
        "ignore",
        &[
            ("Dockerfile", "FROM busybox\nCOPY . /c/\n"),
            ("keep", "k"),
            ("drop", "d"),
            (".dockerignore", "keep\n"),
            ("custom-ignore", "drop\n"),
        ],
    );
    env.berth(["build", "--pull=never", "-t", "ign", "--ignorefile"])
        .arg(ctx.join("custom-ignore"))
        .arg(&ctx)
        .output()
        .success();
    env.berth(["run", "--rm", "ign", "ls", "/c"])
        .output()
        .success()
        .stdout_contains("keep")
        .stdout_lacks("drop");
    std::fs::write(ctx.join("Dockerfile"), "FROM busybox\nCOPY keep /k\n").unwrap();
    env.berth(["build", "--pull=never"])
        .arg(&ctx)
        .expect_stderr()
        .output()
        .code(125)
        .stderr_contains("Error: building at STEP \"COPY keep /k\" (Dockerfile:2:1)");
    // ADD unpacks .tar.xz and .tar.bz2 as docker does.
    let mut tar = crate::util::fixtures::TarBuilder::new();
    tar.dir("pkg", 0o755, (0, 0))
        .file("pkg/readme", 0o644, (0, 0), b"from xz\n");
    let plain = tar.finish();
    let mut xz = liblzma::write::XzEncoder::new(Vec::new(), 6);
    std::io::Write::write_all(&mut xz, &plain).unwrap();
    let mut bz = bzip2::write::BzEncoder::new(Vec::new(), bzip2::Compression::default());
    std::io::Write::write_all(&mut bz, &plain).unwrap();
    let ctx = context(
        &env,
        "xz",
        &[(
            "Dockerfile",
            "FROM busybox\nADD p.tar.xz /x/\nADD p.tar.bz2 /b/\n",
        )],
    );
    std::fs::write(ctx.join("p.tar.xz"), xz.finish().unwrap()).unwrap();
    std::fs::write(ctx.join("p.tar.bz2"), bz.finish().unwrap()).unwrap();
    env.give_to_user(&ctx);
    build(&env, &ctx, &["-t", "xz"]).success();
    env.berth(["run", "--rm", "xz", "cat", "/x/pkg/readme", "/b/pkg/readme"])
        .output()
        .success()
        .stdout_eq("from xz\nfrom xz\n");
}
