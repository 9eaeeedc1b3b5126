//! The app's commands, declared once: the `#[tauri::command]` functions of `src/*.rs`.
//!
//! `build.rs` reads them with `syn` and derives from them everything that used to list the
//! commands by hand: the permission per command (tauri-build's app manifest), the
//! `generate_handler!` list, the capability file and the typed TypeScript client of the UI.
//! Types reach TypeScript through the ts-rs bindings in `ui/src/bindings`; a type this module
//! cannot map is an error naming the command, the parameter and the type, never `any`.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use quote::ToTokens;
use syn::ext::IdentExt;
use syn::{Attribute, FnArg, GenericArgument, Item, Pat, PathArguments, ReturnType, Type};

/// One `#[tauri::command]` function.
#[derive(Debug)]
pub struct Command {
    /// The module that declares it (its file stem), or empty for the crate root.
    pub module: String,
    /// The function's name, which is the command's name.
    pub name: String,
    /// The function's doc comment, one entry per line.
    pub docs: Vec<String>,
    /// The arguments the UI passes, in order; injected ones (`State`, `AppHandle`) are left out.
    pub params: Vec<Param>,
    /// The TypeScript type the command resolves to.
    pub returns: String,
    /// The ts-rs bindings its types use.
    pub uses: BTreeSet<String>,
}

/// One argument of a command, as the UI passes it.
#[derive(Debug)]
pub struct Param {
    /// The key of the arguments object (camelCase unless the command says `rename_all`).
    pub key: String,
    /// Its TypeScript type.
    pub ts: String,
}

/// The ts-rs bindings: each exported type's name and its import path relative to `ui/src`.
#[derive(Debug, Default)]
pub struct Bindings(BTreeMap<String, String>);

impl Bindings {
    /// Every `<Name>.ts` under `dir` (the bindings folder, searched recursively); `dir` is
    /// imported as `./bindings`. A name found twice is an error, as an import would be ambiguous.
    pub fn scan(dir: &Path) -> Result<Bindings, String> {
        fn walk(dir: &Path, rel: &str, out: &mut Vec<String>) -> Result<(), String> {
            let entries =
                std::fs::read_dir(dir).map_err(|e| format!("reading {}: {e}", dir.display()))?;
            for entry in entries {
                let entry = entry.map_err(|e| format!("reading {}: {e}", dir.display()))?;
                let path = entry.path();
                let name = entry.file_name().to_string_lossy().into_owned();
                if path.is_dir() {
                    walk(&path, &format!("{rel}{name}/"), out)?;
                } else if let Some(stem) = name.strip_suffix(".ts") {
                    out.push(format!("{rel}{stem}"));
                }
            }
            Ok(())
        }
        let mut files = Vec::new();
        walk(dir, "", &mut files)?;
        Bindings::from_files(files)
    }

    /// The bindings at these paths relative to the bindings folder, without `.ts`
    /// (`"AiSystem"`, `"tco/Scenario"`).
    pub fn from_files<S: AsRef<str>>(
        files: impl IntoIterator<Item = S>,
    ) -> Result<Bindings, String> {
        let mut map = BTreeMap::new();
        for file in files {
            let file = file.as_ref();
            let name = file.rsplit('/').next().unwrap_or(file).to_string();
            if let Some(earlier) = map.insert(name.clone(), format!("./bindings/{file}")) {
                return Err(format!(
                    "two ts-rs bindings are named {name}: {earlier}.ts and ./bindings/{file}.ts"
                ));
            }
        }
        Ok(Bindings(map))
    }

    fn path(&self, name: &str) -> Option<&str> {
        self.0.get(name).map(String::as_str)
    }
}

/// Names the generated client declares itself, which a binding must not take.
const OWN_NAMES: &[&str] = &["Channel", "Invoke", "commands"];

/// Parameters Tauri fills in itself; the UI never passes them.
const INJECTED: &[&str] = &["State", "AppHandle", "Window", "Webview", "WebviewWindow"];

/// Core's aliases that ts-rs exports no file for, with the type ts-rs gives their fields.
const ALIASES: &[(&str, &str)] = &[
    // steward_core::assess::Answers, a serde_json::Map of question id to answer.
    ("Answers", "Record<string, unknown>"),
];

/// The commands of one source file, in source order. `module` is its file stem (`main` for the
/// crate root).
pub fn parse_file(module: &str, source: &str, bindings: &Bindings) -> Result<Vec<Command>, String> {
    let file = syn::parse_file(source).map_err(|e| format!("src/{module}.rs: {e}"))?;
    let module = if module == "main" { "" } else { module };
    let mut commands = Vec::new();
    collect(&file.items, module, true, bindings, &mut commands)?;
    Ok(commands)
}

fn collect(
    items: &[Item],
    module: &str,
    top: bool,
    bindings: &Bindings,
    out: &mut Vec<Command>,
) -> Result<(), String> {
    for item in items {
        match item {
            Item::Fn(f) => {
                let Some(attr) = f.attrs.iter().find(|a| is_command(a)) else {
                    continue;
                };
                let name = f.sig.ident.to_string();
                if !top {
                    return Err(format!(
                        "command `{name}` is inside an inline module of src/{module}.rs: declare \
                         commands at the top of a file in src/ so the handler list can name them"
                    ));
                }
                out.push(command(module, f, attr, bindings)?);
            }
            Item::Mod(m) => {
                if let Some((_, inner)) = &m.content {
                    collect(inner, module, false, bindings, out)?;
                }
            }
            _ => {}
        }
    }
    Ok(())
}

fn is_command(attr: &Attribute) -> bool {
    let segments: Vec<String> = attr
        .path()
        .segments
        .iter()
        .map(|s| s.ident.to_string())
        .collect();
    segments == ["tauri", "command"] || segments == ["command"]
}

/// How the arguments' keys are spelled: Tauri's default camelCase, or snake_case.
#[derive(Clone, Copy)]
enum Keys {
    Camel,
    Snake,
}

/// Reads the command attribute's options; any this module does not know is an error, so a
/// rename cannot silently break the generated client.
fn keys(name: &str, attr: &Attribute) -> Result<Keys, String> {
    let mut keys = Keys::Camel;
    if matches!(attr.meta, syn::Meta::Path(_)) {
        return Ok(keys);
    }
    attr.parse_args_with(|input: syn::parse::ParseStream| {
        while !input.is_empty() {
            let option = input.call(syn::Ident::parse_any)?;
            match option.to_string().as_str() {
                "async" => {}
                "rename_all" => {
                    input.parse::<syn::Token![=]>()?;
                    let value = input.parse::<syn::LitStr>()?;
                    keys = match value.value().as_str() {
                        "camelCase" => Keys::Camel,
                        "snake_case" => Keys::Snake,
                        other => {
                            return Err(syn::Error::new(
                                value.span(),
                                format!("rename_all = \"{other}\" is not supported"),
                            ))
                        }
                    };
                }
                "root" => {
                    input.parse::<syn::Token![=]>()?;
                    input.parse::<syn::LitStr>()?;
                }
                other => {
                    return Err(syn::Error::new(
                        option.span(),
                        format!("the option `{other}` is not supported by the generated client"),
                    ))
                }
            }
            if !input.is_empty() {
                input.parse::<syn::Token![,]>()?;
            }
        }
        Ok(())
    })
    .map_err(|e| format!("command `{name}`: #[tauri::command(...)]: {e}"))?;
    Ok(keys)
}

fn command(
    module: &str,
    f: &syn::ItemFn,
    attr: &Attribute,
    bindings: &Bindings,
) -> Result<Command, String> {
    let name = f.sig.ident.to_string();
    let keys = keys(&name, attr)?;
    let mut uses = BTreeSet::new();
    let mut params = Vec::new();
    for input in &f.sig.inputs {
        let FnArg::Typed(arg) = input else {
            return Err(format!(
                "command `{name}` takes `self`; commands are free functions"
            ));
        };
        let Pat::Ident(ident) = &*arg.pat else {
            return Err(format!(
                "command `{name}`: the parameter `{}` is a pattern; give it a name",
                show(&*arg.pat)
            ));
        };
        if is_injected(&arg.ty) {
            continue;
        }
        let rust = ident.ident.unraw().to_string();
        let ts = ts_type(&arg.ty, bindings, &mut uses).map_err(|why| {
            format!(
                "command `{name}`: parameter `{rust}` has type `{}`, {why}",
                show(&*arg.ty)
            )
        })?;
        let key = match keys {
            Keys::Camel => camel_case(&rust),
            Keys::Snake => rust,
        };
        params.push(Param { key, ts });
    }
    let returns = match &f.sig.output {
        ReturnType::Default => "void".to_string(),
        ReturnType::Type(_, ty) => {
            let ok = reply_value(ty).unwrap_or(ty);
            ts_type(ok, bindings, &mut uses)
                .map_err(|why| format!("command `{name}` returns `{}`, {why}", show(&**ty)))?
        }
    };
    Ok(Command {
        module: module.to_string(),
        name,
        docs: docs(&f.attrs),
        params,
        returns,
        uses,
    })
}

/// `T` of `Reply<T>` or `Result<T, E>`: the value a command resolves to (the error crosses as
/// a rejected promise).
fn reply_value(ty: &Type) -> Option<&Type> {
    let (ident, args) = last_segment(ty)?;
    if ident != "Reply" && ident != "Result" {
        return None;
    }
    match args.first() {
        Some(GenericArgument::Type(t)) => Some(t),
        _ => None,
    }
}

fn is_injected(ty: &Type) -> bool {
    last_segment(ty).is_some_and(|(ident, _)| INJECTED.contains(&ident.as_str()))
}

/// The last segment of a path type, with its generic arguments.
fn last_segment(ty: &Type) -> Option<(String, Vec<&GenericArgument>)> {
    let Type::Path(p) = ty else { return None };
    let last = p.path.segments.last()?;
    let args = match &last.arguments {
        PathArguments::AngleBracketed(a) => a.args.iter().collect(),
        _ => Vec::new(),
    };
    Some((last.ident.to_string(), args))
}

/// The TypeScript type of a Rust type as the UI sees it, or why there is none. The names of
/// the ts-rs bindings it uses are added to `uses`.
pub fn ts_type(
    ty: &Type,
    bindings: &Bindings,
    uses: &mut BTreeSet<String>,
) -> Result<String, String> {
    match ty {
        Type::Reference(r) => ts_type(&r.elem, bindings, uses),
        Type::Paren(p) => ts_type(&p.elem, bindings, uses),
        Type::Group(g) => ts_type(&g.elem, bindings, uses),
        Type::Tuple(t) if t.elems.is_empty() => Ok("void".to_string()),
        Type::Path(p) if p.qself.is_none() => {
            let segments: Vec<String> = p
                .path
                .segments
                .iter()
                .map(|s| s.ident.to_string())
                .collect();
            let Some((ident, args)) = last_segment(ty) else {
                return Err("which has no TypeScript mapping".to_string());
            };
            let types: Vec<&Type> = args
                .iter()
                .filter_map(|a| match a {
                    GenericArgument::Type(t) => Some(t),
                    _ => None,
                })
                .collect();
            let one = |what: &str| match types.as_slice() {
                [t] => Ok(*t),
                _ => Err(format!("which needs one type argument for {what}")),
            };
            if segments == ["serde_json", "Value"] {
                return Ok("unknown".to_string());
            }
            let plain = match ident.as_str() {
                "String" | "str" | "char" | "PathBuf" | "Path" => Some("string"),
                "NaiveDate" | "NaiveDateTime" | "NaiveTime" | "DateTime" => Some("string"),
                "bool" => Some("boolean"),
                "i8" | "i16" | "i32" | "i64" | "i128" | "isize" | "u8" | "u16" | "u32" | "u64"
                | "u128" | "usize" | "f32" | "f64" => Some("number"),
                _ => None,
            };
            if let Some(plain) = plain {
                return Ok(plain.to_string());
            }
            match ident.as_str() {
                "Option" => {
                    let inner = ts_type(one("Option")?, bindings, uses)?;
                    return Ok(format!("{inner} | null"));
                }
                "Vec" => {
                    let inner = ts_type(one("Vec")?, bindings, uses)?;
                    return Ok(if inner.contains(' ') {
                        format!("({inner})[]")
                    } else {
                        format!("{inner}[]")
                    });
                }
                "Channel" => {
                    let inner = ts_type(one("Channel")?, bindings, uses)?;
                    uses.insert("Channel".to_string());
                    return Ok(format!("Channel<{inner}>"));
                }
                _ => {}
            }
            if let Some((_, ts)) = ALIASES.iter().find(|(name, _)| *name == ident) {
                return Ok(ts.to_string());
            }
            if !args.is_empty() {
                return Err("which has no TypeScript mapping (a generic type)".to_string());
            }
            if bindings.path(&ident).is_none() {
                return Err(format!(
                    "which has no TypeScript mapping: no ts-rs binding {ident}.ts in ui/src/bindings \
                     (derive TS for it, or name it in the use as its binding is named)"
                ));
            }
            if OWN_NAMES.contains(&ident.as_str()) {
                return Err(format!(
                    "whose binding {ident} clashes with a name of the client"
                ));
            }
            uses.insert(ident.clone());
            Ok(ident)
        }
        _ => Err("which has no TypeScript mapping".to_string()),
    }
}

/// The doc comment's lines, without the space after `///`.
fn docs(attrs: &[Attribute]) -> Vec<String> {
    attrs
        .iter()
        .filter(|a| a.path().is_ident("doc"))
        .filter_map(|a| match &a.meta {
            syn::Meta::NameValue(nv) => match &nv.value {
                syn::Expr::Lit(syn::ExprLit {
                    lit: syn::Lit::Str(s),
                    ..
                }) => Some(s.value()),
                _ => None,
            },
            _ => None,
        })
        .map(|line| {
            line.strip_prefix(' ')
                .unwrap_or(&line)
                .trim_end()
                .to_string()
        })
        .collect()
}

/// Tauri's spelling of an argument's key: `on_progress` is `onProgress`.
pub fn camel_case(snake: &str) -> String {
    let mut out = String::new();
    for (i, word) in snake.split('_').filter(|w| !w.is_empty()).enumerate() {
        if i == 0 {
            out.push_str(&word.to_lowercase());
        } else {
            let mut chars = word.chars();
            if let Some(first) = chars.next() {
                out.extend(first.to_uppercase());
                out.push_str(&chars.as_str().to_lowercase());
            }
        }
    }
    out
}

/// A type or pattern as written, for error messages.
fn show(tokens: &dyn ToTokens) -> String {
    tokens
        .to_token_stream()
        .to_string()
        .replace(" :: ", "::")
        .replace(" < ", "<")
        .replace(" <", "<")
        .replace("< ", "<")
        .replace(" >", ">")
        .replace(" ,", ",")
        .replace("& ", "&")
}

/// Refuses two commands of the same name: Tauri finds a command by its name alone.
pub fn check_unique(commands: &[Command]) -> Result<(), String> {
    let mut seen = BTreeMap::new();
    for c in commands {
        if let Some(other) = seen.insert(c.name.as_str(), c.module.as_str()) {
            return Err(format!(
                "two commands are named `{}` (in `{other}` and `{}`)",
                c.name, c.module
            ));
        }
    }
    Ok(())
}

/// The `generate_handler!` expression main.rs includes.
pub fn handlers_rs(commands: &[Command]) -> String {
    let mut out = String::from(
        "// Generated by build.rs from the #[tauri::command] functions of src/*.rs.\n\
         tauri::generate_handler![\n",
    );
    for c in commands {
        if c.module.is_empty() {
            out.push_str(&format!("    {},\n", c.name));
        } else {
            out.push_str(&format!("    {}::{},\n", c.module, c.name));
        }
    }
    out.push_str("]\n");
    out
}

/// The parts of a capability that are not commands.
pub struct Capability<'a> {
    pub identifier: &'a str,
    pub description: &'a str,
    pub windows: &'a [&'a str],
    /// Plugin permissions, after the commands' (`dialog:allow-open`).
    pub plugin_permissions: &'a [&'a str],
}

/// The capability file: `capability`'s parts and `allow-<command>` for every command.
pub fn capability_json(capability: &Capability, commands: &[Command]) -> String {
    let quote = |s: &str| serde_json::Value::from(s).to_string();
    let list = |items: &mut dyn Iterator<Item = String>| {
        items
            .map(|i| format!("    {}", quote(&i)))
            .collect::<Vec<_>>()
            .join(",\n")
    };
    let windows = list(&mut capability.windows.iter().map(|w| w.to_string()));
    let permissions = list(
        &mut commands
            .iter()
            .map(|c| format!("allow-{}", c.name.replace('_', "-")))
            .chain(capability.plugin_permissions.iter().map(|p| p.to_string())),
    );
    format!(
        "{{\n  \"identifier\": {},\n  \"description\": {},\n  \"windows\": [\n{windows}\n  ],\n  \"permissions\": [\n{permissions}\n  ]\n}}\n",
        quote(capability.identifier),
        quote(capability.description),
    )
}

/// Words TypeScript reserves, which an argument cannot be named.
const TS_RESERVED: &[&str] = &[
    "break",
    "case",
    "catch",
    "class",
    "const",
    "continue",
    "debugger",
    "default",
    "delete",
    "do",
    "else",
    "enum",
    "export",
    "extends",
    "false",
    "finally",
    "for",
    "function",
    "if",
    "import",
    "in",
    "instanceof",
    "new",
    "null",
    "return",
    "super",
    "switch",
    "this",
    "throw",
    "true",
    "try",
    "typeof",
    "var",
    "void",
    "while",
    "with",
    "let",
    "static",
    "yield",
    "await",
    "implements",
    "interface",
    "package",
    "private",
    "protected",
    "public",
];

/// The TypeScript client, `ui/src/commands.ts`.
pub fn typescript_client(commands: &[Command], bindings: &Bindings) -> String {
    let mut out = String::from(
        "// Generated by src-tauri/build.rs from the #[tauri::command] functions of src-tauri/src/*.rs.\n\
         // Do not edit: change a command in Rust and build the app (cargo build -p steward-app).\n",
    );
    let uses: BTreeSet<&str> = commands
        .iter()
        .flat_map(|c| c.uses.iter().map(String::as_str))
        .collect();
    if uses.contains("Channel") {
        out.push_str("import type { Channel } from \"@tauri-apps/api/core\";\n");
    }
    out.push('\n');
    for name in uses.iter().filter(|n| **n != "Channel") {
        let path = bindings.path(name).unwrap_or_default();
        out.push_str(&format!("import type {{ {name} }} from \"{path}\";\n"));
    }
    out.push_str(
        "\n/** Sends one command to the shell: `invoke` of @tauri-apps/api/core, or a wrapper of it. */\n\
         export type Invoke = <T>(command: string, args?: Record<string, unknown>) => Promise<T>;\n\
         \n\
         /** Every command of the shell, each a typed call of `invoke`. */\n\
         export function commands(invoke: Invoke) {\n  return {\n",
    );
    for c in commands {
        match c.docs.as_slice() {
            [] => {}
            [line] => out.push_str(&format!("    /** {} */\n", line.replace("*/", "*\\/"))),
            lines => {
                out.push_str("    /**\n");
                for line in lines {
                    let line = line.replace("*/", "*\\/");
                    out.push_str(&format!(
                        "     *{}{line}\n",
                        if line.is_empty() { "" } else { " " }
                    ));
                }
                out.push_str("     */\n");
            }
        }
        let local = |key: &str| {
            if TS_RESERVED.contains(&key) {
                format!("{key}_")
            } else {
                key.to_string()
            }
        };
        let params: Vec<String> = c
            .params
            .iter()
            .map(|p| format!("{}: {}", local(&p.key), p.ts))
            .collect();
        let args: Vec<String> = c
            .params
            .iter()
            .map(|p| {
                let l = local(&p.key);
                if l == p.key {
                    l
                } else {
                    format!("{}: {l}", p.key)
                }
            })
            .collect();
        let args = if args.is_empty() {
            String::new()
        } else {
            format!(", {{ {} }}", args.join(", "))
        };
        out.push_str(&format!(
            "    {}: ({}): Promise<{}> =>\n      invoke(\"{}\"{args}),\n",
            camel_case(&c.name),
            params.join(", "),
            c.returns,
            c.name,
        ));
    }
    out.push_str("  };\n}\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bindings() -> Bindings {
        Bindings::from_files(["AiSystem", "Progress", "tco/Scenario"]).expect("distinct names")
    }

    fn ts(rust: &str) -> Result<String, String> {
        let ty: Type = syn::parse_str(rust).map_err(|e| e.to_string())?;
        ts_type(&ty, &bindings(), &mut BTreeSet::new())
    }

    fn parse(source: &str) -> Result<Vec<Command>, String> {
        parse_file("things", source, &bindings())
    }

    #[test]
    fn rust_types_map_to_what_the_ui_receives() {
        for (rust, expected) in [
            ("String", "string"),
            ("&str", "string"),
            ("PathBuf", "string"),
            ("std::path::PathBuf", "string"),
            ("i64", "number"),
            ("usize", "number"),
            ("f64", "number"),
            ("bool", "boolean"),
            ("chrono::NaiveDate", "string"),
            ("Option<i64>", "number | null"),
            ("Vec<String>", "string[]"),
            ("Vec<Option<i64>>", "(number | null)[]"),
            ("Option<Vec<AiSystem>>", "AiSystem[] | null"),
            ("serde_json::Value", "unknown"),
            ("Answers", "Record<string, unknown>"),
            ("()", "void"),
            ("steward_core::tco::Scenario", "Scenario"),
            ("Channel<Progress>", "Channel<Progress>"),
            ("tauri::ipc::Channel<Progress>", "Channel<Progress>"),
        ] {
            assert_eq!(ts(rust).as_deref(), Ok(expected), "{rust}");
        }
    }

    #[test]
    fn a_type_without_a_binding_is_refused() {
        for rust in [
            "Unknown",
            "HashMap<String, i64>",
            "Value",
            "(i64, i64)",
            "[u8; 4]",
        ] {
            assert!(ts(rust).is_err(), "{rust} should have no mapping");
        }
    }

    #[test]
    fn an_unmappable_parameter_fails_naming_command_parameter_and_type() {
        let err = parse(
            "#[tauri::command]\n\
             pub fn tally(s: State<Shell>, counts: HashMap<String, Tally>) -> Reply<usize> { todo!() }",
        )
        .expect_err("HashMap has no mapping");
        assert!(err.contains("command `tally`"), "{err}");
        assert!(err.contains("parameter `counts`"), "{err}");
        assert!(err.contains("`HashMap<String, Tally>`"), "{err}");

        let err = parse("#[tauri::command]\npub fn odd() -> Reply<Mystery> { todo!() }")
            .expect_err("no binding for Mystery");
        assert!(
            err.contains("command `odd`") && err.contains("Mystery.ts"),
            "{err}"
        );
    }

    #[test]
    fn commands_are_read_in_source_order_with_their_arguments() {
        let commands = parse(
            "/// Not a command.\n\
             fn helper() {}\n\
             /// Lists systems.\n\
             #[tauri::command]\n\
             pub fn list_things(s: State<'_, Shell>, system_id: Option<i64>) -> Reply<Vec<AiSystem>> { todo!() }\n\
             #[tauri::command(async)]\n\
             pub fn make_pack(app: tauri::AppHandle, path: PathBuf, on_progress: Channel<Progress>) -> Result<Scenario, WireError> { todo!() }\n\
             #[tauri::command(rename_all = \"snake_case\")]\n\
             pub fn stop(system_id: i64) {}\n\
             #[cfg(test)]\nmod tests { fn t() {} }",
        )
        .expect("all map");
        let names: Vec<&str> = commands.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["list_things", "make_pack", "stop"]);
        let keys: Vec<Vec<(&str, &str)>> = commands
            .iter()
            .map(|c| {
                c.params
                    .iter()
                    .map(|p| (p.key.as_str(), p.ts.as_str()))
                    .collect()
            })
            .collect();
        assert_eq!(
            keys,
            [
                vec![("systemId", "number | null")],
                vec![("path", "string"), ("onProgress", "Channel<Progress>")],
                vec![("system_id", "number")],
            ]
        );
        assert_eq!(commands[0].returns, "AiSystem[]");
        assert_eq!(commands[0].docs, ["Lists systems."]);
        assert_eq!(commands[1].returns, "Scenario");
        assert_eq!(commands[2].returns, "void");
    }

    #[test]
    fn an_unknown_command_option_is_refused() {
        let err = parse("#[tauri::command(rename = \"other\")]\npub fn x() {}")
            .expect_err("rename would change the name the client calls");
        assert!(
            err.contains("command `x`") && err.contains("rename"),
            "{err}"
        );
    }

    #[test]
    fn outputs_name_every_command_once() {
        let mut commands = parse(
            "/// Lists systems.\n\
             #[tauri::command]\npub fn list_things(system_id: Option<i64>) -> Vec<AiSystem> { todo!() }\n\
             #[tauri::command]\npub fn make_pack(on_progress: Channel<Progress>, default: String) {}",
        )
        .expect("all map");
        commands.extend(
            parse_file("main", "#[tauri::command]\nfn root_one() {}", &bindings()).expect("maps"),
        );
        check_unique(&commands).expect("distinct");

        assert_eq!(
            handlers_rs(&commands).lines().skip(1).collect::<Vec<_>>(),
            [
                "tauri::generate_handler![",
                "    things::list_things,",
                "    things::make_pack,",
                "    root_one,",
                "]"
            ]
        );

        let capability = Capability {
            identifier: "default",
            description: "The \"main\" window.",
            windows: &["main"],
            plugin_permissions: &["dialog:allow-open"],
        };
        let json: serde_json::Value =
            serde_json::from_str(&capability_json(&capability, &commands)).expect("valid JSON");
        assert_eq!(json["description"], "The \"main\" window.");
        assert_eq!(
            json["permissions"],
            serde_json::json!([
                "allow-list-things",
                "allow-make-pack",
                "allow-root-one",
                "dialog:allow-open"
            ])
        );

        let client = typescript_client(&commands, &bindings());
        assert!(
            client.starts_with("// Generated by src-tauri/build.rs"),
            "{client}"
        );
        assert!(
            client.contains("import type { Channel } from \"@tauri-apps/api/core\";"),
            "{client}"
        );
        assert!(
            client.contains("import type { AiSystem } from \"./bindings/AiSystem\";"),
            "{client}"
        );
        assert!(client.contains(
            "    /** Lists systems. */\n    listThings: (systemId: number | null): Promise<AiSystem[]> =>\n      invoke(\"list_things\", { systemId }),\n"
        ), "{client}");
        assert!(client.contains(
            "makePack: (onProgress: Channel<Progress>, default_: string): Promise<void> =>\n      invoke(\"make_pack\", { onProgress, default: default_ }),"
        ), "{client}");
        assert!(
            client.contains("rootOne: (): Promise<void> =>\n      invoke(\"root_one\"),"),
            "{client}"
        );

        commands.extend(
            parse_file("other", "#[tauri::command]\nfn root_one() {}", &bindings()).expect("maps"),
        );
        assert!(check_unique(&commands).is_err());
    }

    #[test]
    fn bindings_are_found_in_subfolders_and_must_be_unique() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../ui/src/bindings");
        let found = Bindings::scan(&dir).expect("the bindings folder is readable");
        assert_eq!(found.path("AiSystem"), Some("./bindings/AiSystem"));
        assert_eq!(found.path("Scenario"), Some("./bindings/tco/Scenario"));
        assert!(Bindings::from_files(["Scenario", "tco/Scenario"]).is_err());
    }
}
