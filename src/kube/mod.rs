//! Kubernetes YAML: the objects `kube play` reads (`types`), the plan it makes of them
//! (`play`, pure), and the YAML `kube generate` writes (`generate`, pure). The commands in
//! `commands::kube` carry the plans out with berth's pod and container commands.

use serde::de::DeserializeOwned;
use serde::Deserialize;

pub mod generate;
pub mod play;
pub mod types;

/// A document berth cannot play: the file, the document (1-based), the object, the field.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{file}`: document {doc}{object}: {}{why}", field_prefix(.field))]
pub struct KubeError {
    pub file: String,
    pub doc: usize,
    /// ` (Kind name)`, or empty when the document could not be read that far.
    pub object: String,
    /// The field's path (`spec.containers[0].image`), or empty.
    pub field: String,
    pub why: String,
}

fn field_prefix(field: &str) -> String {
    if field.is_empty() {
        String::new()
    } else {
        format!("{field}: ")
    }
}

/// One object of a YAML stream.
#[derive(Debug, Clone)]
pub enum Object {
    Pod(Box<types::Pod>),
    /// A Deployment or a DaemonSet.
    Workload(Box<types::Workload>),
    /// A ConfigMap or a Secret.
    Data(types::DataObject),
    /// A PersistentVolumeClaim.
    Claim(types::Named),
    /// A Service (ignored, with a note).
    Service(types::Named),
}

/// An object with where it came from.
#[derive(Debug, Clone)]
pub struct Doc {
    pub file: String,
    /// 1-based, counting every document of the stream.
    pub index: usize,
    pub object: Object,
}

impl Doc {
    /// ` (Kind name)`, for messages.
    pub fn label(&self) -> String {
        let (kind, meta) = match &self.object {
            Object::Pod(p) => (p.kind.as_str(), &p.metadata),
            Object::Workload(w) => (w.kind.as_str(), &w.metadata),
            Object::Data(d) => (d.kind.as_str(), &d.metadata),
            Object::Claim(n) | Object::Service(n) => (n.kind.as_str(), &n.metadata),
        };
        match &meta.name {
            Some(name) => format!(" ({kind} {name})"),
            None => format!(" ({kind})"),
        }
    }

    /// An error about `field` of this document.
    pub fn error(&self, field: impl Into<String>, why: impl Into<String>) -> KubeError {
        KubeError {
            file: self.file.clone(),
            doc: self.index,
            object: self.label(),
            field: field.into(),
            why: why.into(),
        }
    }
}

/// The kinds `kube play` takes.
pub const KINDS: &[&str] = &[
    "Pod",
    "Deployment",
    "DaemonSet",
    "ConfigMap",
    "Secret",
    "PersistentVolumeClaim",
    "Service",
];

/// Read every document of `text` (the contents of `file`); empty documents are skipped.
pub fn parse(file: &str, text: &str) -> Result<Vec<Doc>, KubeError> {
    let mut out = Vec::new();
    for (i, document) in serde_norway::Deserializer::from_str(text).enumerate() {
        let index = i + 1;
        let err = |object: String, field: String, why: String| KubeError {
            file: file.to_string(),
            doc: index,
            object,
            field,
            why,
        };
        let value = serde_json::Value::deserialize(document)
            .map_err(|e| err(String::new(), String::new(), format!("invalid YAML: {e}")))?;
        if value.is_null() {
            continue;
        }
        let Some(map) = value.as_object() else {
            return Err(err(
                String::new(),
                String::new(),
                "not a Kubernetes object (expected a map with apiVersion and kind)".into(),
            ));
        };
        let kind = match map.get("kind") {
            Some(serde_json::Value::String(k)) => k.clone(),
            Some(_) => return Err(err(String::new(), "kind".into(), "not a string".into())),
            None => return Err(err(String::new(), "kind".into(), "missing".into())),
        };
        let name = map
            .get("metadata")
            .and_then(|m| m.get("name"))
            .and_then(|n| n.as_str())
            .map(|n| format!(" ({kind} {n})"))
            .unwrap_or_else(|| format!(" ({kind})"));
        if !KINDS.contains(&kind.as_str()) {
            return Err(err(
                String::new(),
                "kind".into(),
                format!("unknown kind `{kind}`: berth plays {}", KINDS.join(", ")),
            ));
        }
        let typed = |v: serde_json::Value| -> Result<Object, KubeError> {
            fn read<T: DeserializeOwned>(v: serde_json::Value) -> Result<T, (String, String)> {
                serde_path_to_error::deserialize(v).map_err(|e| {
                    let path = e.path().to_string();
                    let mut why = e.into_inner().to_string();
                    // serde lists every known field; the field's name is what helps.
                    if let Some(at) = why.find(", expected") {
                        why.truncate(at);
                    }
                    let path = if path == "." { String::new() } else { path };
                    (path, why)
                })
            }
            let object = match kind.as_str() {
                "Pod" => read(v).map(|p| Object::Pod(Box::new(p))),
                "Deployment" | "DaemonSet" => read(v).map(|w| Object::Workload(Box::new(w))),
                "ConfigMap" | "Secret" => read(v).map(Object::Data),
                "PersistentVolumeClaim" => read(v).map(Object::Claim),
                _ => read(v).map(Object::Service),
            };
            object.map_err(|(field, why)| err(name.clone(), field, why))
        };
        let object = typed(value)?;
        out.push(Doc {
            file: file.to_string(),
            index,
            object,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documents_are_typed_and_errors_name_file_document_and_field() {
        let text = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  a: b\n---\n---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n  - name: x\n    image: busybox\n";
        let docs = parse("f.yaml", text).unwrap();
        assert_eq!(docs.len(), 2);
        assert_eq!(docs[1].index, 3);
        assert!(matches!(docs[1].object, Object::Pod(_)));

        let bad = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n  - name: x\n    imagee: busybox\n";
        let e = parse("f.yaml", bad).unwrap_err();
        assert_eq!(e.doc, 1);
        assert_eq!(e.object, " (Pod p)");
        assert!(e.field.starts_with("spec.containers[0]"), "{e}");
        assert!(e.why.contains("unknown field `imagee`"), "{e}");
        assert!(!e.to_string().contains('\n'));

        let e = parse("f.yaml", "kind: Gadget\n").unwrap_err();
        assert!(e.to_string().contains("unknown kind `Gadget`"), "{e}");
        let e = parse("f.yaml", "a: [\n").unwrap_err();
        assert!(e.why.starts_with("invalid YAML"), "{e}");
        let e = parse("f.yaml", "apiVersion: v1\n").unwrap_err();
        assert_eq!(e.field, "kind");
    }
}
