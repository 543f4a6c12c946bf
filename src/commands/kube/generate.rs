//! `berth kube generate CONTAINER|POD...`: a Pod for each (a container becomes a pod of its
//! own, `NAME-pod`), with its image, command, env, ports (hostPort), mounts and
//! capabilities, and with `--service` a Service for its ports. `kube play` takes the result
//! back.

use crate::cli::kube::KubeGenerateArgs;
use crate::config::Paths;
use crate::error::{Context, Error, Result};
use crate::kube::generate::{GenContainer, GenMount, GenPod, GenSource};
use crate::spec::{Protocol, RestartPolicy};
use crate::storage::container::Container;

/// Run `berth kube generate`.
pub fn execute(args: &KubeGenerateArgs) -> Result<()> {
    let paths = Paths::discover().context("find berth's directories")?;
    let containers = crate::storage::container::list(&paths.data).context("list containers")?;
    let mut pods = Vec::new();
    for name in &args.names {
        pods.push(describe(&paths, &containers, name)?);
    }
    let created = chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ").to_string();
    let mut out = format!(
        "# Save the output of this file and use kubectl create -f to import\n# it into Kubernetes.\n#\n# Created with berth-{}\n",
        env!("CARGO_PKG_VERSION")
    );
    let mut first = true;
    for p in &pods {
        let mut docs = vec![crate::kube::generate::pod(p, &created)];
        if args.service {
            docs.push(crate::kube::generate::service(p));
        }
        for d in docs {
            if !first {
                out.push_str("---\n");
            }
            first = false;
            out.push_str(&crate::format::yaml::to_yaml(&d));
        }
    }
    match &args.filename {
        Some(file) => crate::storage::atomic::write_atomic(
            file,
            out.as_bytes(),
            crate::storage::atomic::Durability::Unsynced,
        )
        .with_context(|| format!("write `{}`", file.display()))?,
        None => print!("{out}"),
    }
    Ok(())
}

/// The pod `key` names, or a pod of the container `key` names.
fn describe(paths: &Paths, containers: &[Container], key: &str) -> Result<GenPod> {
    if let Ok(pod) = crate::pod::find(&paths.data, key) {
        let view = super::super::pod::view(pod, containers);
        let c = &view.pod.config;
        let infra = view.members.iter().find(|(m, _)| view.is_infra(m));
        let mut members: Vec<GenContainer> = view
            .members
            .iter()
            .filter(|(m, _)| !view.is_infra(m))
            .map(|(m, _)| container(m, Some(&c.name)))
            .collect();
        if members.is_empty() {
            return Err(Error::msg(format!(
                "kube generate: pod `{}` has no containers besides its infra",
                c.name
            )));
        }
        // The pod's published ports are the infra's: they go on the first container.
        if let Some((infra, _)) = infra {
            members[0].ports = ports(infra);
        }
        let restart = view
            .members
            .iter()
            .find(|(m, _)| !view.is_infra(m))
            .map(|(m, _)| restart_policy(m));
        let grace = view
            .members
            .iter()
            .find(|(m, _)| !view.is_infra(m))
            .and_then(|(m, _)| m.config.options.stop_timeout);
        let mut labels = c.labels.clone();
        labels.entry("app".into()).or_insert_with(|| c.name.clone());
        return Ok(GenPod {
            name: c.name.clone(),
            hostname: (c.hostname != c.name).then(|| c.hostname.clone()),
            labels,
            restart_policy: restart,
            grace,
            containers: members,
        });
    }
    let ctr = crate::storage::container::find(&paths.data, key)
        .map_err(|e| e.into_lookup_error("kube generate"))?;
    if ctr.config.options.extras.pod.is_some() {
        return Err(Error::msg(format!(
            "kube generate: container `{}` is in a pod: generate the pod instead",
            ctr.config.name
        )));
    }
    let mut gen = container(&ctr, None);
    gen.ports = ports(&ctr);
    Ok(GenPod {
        name: format!("{}-pod", ctr.config.name),
        hostname: ctr.config.options.hostname.clone(),
        labels: Default::default(),
        restart_policy: Some(restart_policy(&ctr)),
        grace: ctr.config.options.stop_timeout,
        containers: vec![gen],
    })
}

fn restart_policy(c: &Container) -> String {
    match c.config.options.restart {
        RestartPolicy::No => "Never",
        RestartPolicy::OnFailure(_) => "OnFailure",
        RestartPolicy::Always | RestartPolicy::UnlessStopped => "Always",
    }
    .to_string()
}

fn ports(c: &Container) -> Vec<(u16, u16, String, Option<String>)> {
    let mut out = Vec::new();
    for p in &c.config.options.net.ports {
        let proto = match p.protocol {
            Protocol::Tcp => "tcp",
            Protocol::Udp => "udp",
        };
        for i in 0..p.range.max(1) {
            out.push((
                p.container_port + i,
                p.host_port + i,
                proto.to_string(),
                p.host_ip.map(|ip| ip.to_string()),
            ));
        }
    }
    out
}

/// One container's part of the Pod; a pod member's name loses the `POD-` that `kube play`
/// puts in front.
fn container(c: &Container, pod: Option<&str>) -> GenContainer {
    let o = &c.config.options;
    let name = pod
        .and_then(|p| c.config.name.strip_prefix(&format!("{p}-")))
        .filter(|n| !n.is_empty())
        .unwrap_or(&c.config.name)
        .to_string();
    let mut mounts: Vec<GenMount> = o
        .volumes
        .iter()
        .map(|b| GenMount {
            target: b.target.clone(),
            readonly: b.readonly,
            source: GenSource::HostPath(b.source.to_string_lossy().into_owned()),
        })
        .collect();
    mounts.extend(
        o.named_volumes
            .iter()
            .filter(|v| !v.anonymous)
            .map(|v| GenMount {
                target: v.target.clone(),
                readonly: v.readonly,
                source: GenSource::Volume(v.name.clone()),
            }),
    );
    GenContainer {
        name,
        image: c.config.image_name.clone(),
        command: o.entrypoint.clone().filter(|e| !e.is_empty()),
        args: o.command.clone(),
        env: o.env.clone(),
        workdir: o.workdir.clone(),
        ports: Vec::new(),
        mounts,
        cap_add: o.cap_add.clone(),
        cap_drop: o.cap_drop.clone(),
        privileged: o.privileged,
        read_only: o.read_only,
        tty: o.tty,
        stdin: o.interactive,
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn berths_yaml_writer_gives_what_kube_play_reads() {
        let p = crate::kube::generate::GenPod {
            name: "web".into(),
            containers: vec![crate::kube::generate::GenContainer {
                name: "srv".into(),
                image: "localhost/busybox:latest".into(),
                args: Some(vec!["sh".into(), "-c".into(), "echo 'a: b' # x".into()]),
                env: vec![("A".into(), "1".into()), ("B".into(), "yes".into())],
                ports: vec![(80, 8080, "tcp".into(), Some("127.0.0.1".into()))],
                ..Default::default()
            }],
            ..Default::default()
        };
        let mut text = crate::format::yaml::to_yaml(&crate::kube::generate::pod(&p, "now"));
        text.push_str("---\n");
        text.push_str(&crate::format::yaml::to_yaml(
            &crate::kube::generate::service(&p),
        ));
        let docs = crate::kube::parse("g.yaml", &text).unwrap();
        let plan = crate::kube::play::plan(&docs, &Default::default()).unwrap();
        let args = &plan.pods[0].containers[0].args;
        assert!(args.ends_with(&[
            "localhost/busybox:latest".to_string(),
            "sh".into(),
            "-c".into(),
            "echo 'a: b' # x".into()
        ]));
        assert!(args.contains(&"--env=A=1".to_string()));
        assert!(args.contains(&"--env=B=yes".to_string()));
        assert!(plan.pods[0]
            .args
            .contains(&"--publish=127.0.0.1:8080:80/tcp".to_string()));
    }
}
