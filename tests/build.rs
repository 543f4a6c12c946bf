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
    let out = build(&env, &ctx, &["-t", "demo", "--build-arg", "GREETING=hi"]);
    out.success();
    let lines = out.stdout_lines();
    out.check(lines[0] == "STEP 1/18: FROM $BASE", "the first STEP line");
    out.stdout_contains("STEP 9/18: RUN echo")
        .stdout_contains("COMMIT localhost/demo:latest")
        .stdout_contains("Successfully tagged localhost/demo:latest");
    let id = lines.last().unwrap().clone();
    out.check(crate::util::is_image_id(&id), "the last line is the full id");
    let run = env.berth(["run", "--rm", "demo"]).output();
    run.success();
    let text = run.stdout();
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
    assert!(c["Env"]
        .as_array()
        .unwrap()
        .iter()
        .any(|e| e == "APP=/app"));
    // Build args are not kept in the image.
    assert!(!c["Env"].to_string().contains("GREETING"), "{c}");
    assert_eq!(c["Healthcheck"]["Test"], serde_json::json!(["CMD-SHELL", "true"]), "{c}");
    assert_eq!(c["Healthcheck"]["Retries"], 2, "{c}");
    assert_eq!(c["OnBuild"], serde_json::json!(["RUN echo child"]), "{c}");
    // History: the base's entry, then one per step; metadata steps are empty layers.
    let history = v[0]["History"].as_array().unwrap();
    // (ARG records nothing, as with BuildKit.)
    assert_eq!(history.len(), 1 + 16, "{history:?}");
    let layers = history.iter().filter(|h| h.get("empty_layer").is_none()).count();
    assert_eq!(layers, 4, "base, two COPYs and the RUN make layers: {history:?}");
    assert_eq!(
        v[0]["RootFS"]["Layers"].as_array().map(Vec::len),
        Some(4),
        "{}",
        v[0]["RootFS"]
    );
    assert!(history[7]["created_by"]
        .as_str()
        .unwrap()
        .contains("echo \"$GREETING from run\""));
    // The child build runs the ONBUILD trigger.
    let child = context(&env, "child", &[("Dockerfile", "FROM demo\nUSER 0\nRUN test -e /app/built\n")]);
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
    // The cache survives until `builder prune`.
    env.berth(["builder", "prune", "-f"]).output().success();
    build(&env, &ctx, &[])
        .success()
        .stdout_contains("first-run-2\n");
}
