//! How the app's one page is hosted on Linux: WebKitGTK settings for an application window
//! rather than a browser tab. The figures behind them come from `./x.sh bench-startup` (README,
//! "Startup and memory").

/// Sets the WebKitGTK settings of the main window's webview. The window exists by the time the
/// app's setup runs; WebKit hands the settings on to the web process, which the page's first
/// load has only just started.
#[cfg(target_os = "linux")]
pub fn tune(app: &tauri::App) -> tauri::Result<()> {
    use tauri::Manager;
    use webkit2gtk::{
        CacheModel, HardwareAccelerationPolicy, SettingsExt, WebContextExt, WebViewExt,
    };

    let Some(window) = app.get_webview_window("main") else {
        return Ok(());
    };
    window.with_webview(|webview| {
        let view = webview.inner();
        // No accelerated compositing: the page is forms, tables and static SVG charts, with no
        // animation, video or WebGL, and the CPU paints it without a GL compositor. With one,
        // on Mesa's software OpenGL (virtual machines, remote desktops, Xvfb), the web process
        // held about 60 MB more anonymous memory (layer buffers and GL state).
        if let Some(settings) = WebViewExt::settings(&view) {
            settings.set_hardware_acceleration_policy(HardwareAccelerationPolicy::Never);
        }
        // A page that never navigates and whose files come from the binary: no back/forward
        // cache and no HTTP disk cache. (No measurable change to idle memory; it bounds the
        // caches as the app is used.)
        if let Some(context) = view.context() {
            context.set_cache_model(CacheModel::DocumentViewer);
        }
    })
}

/// Nothing to tune outside Linux: WebView2 and WKWebView keep their defaults.
#[cfg(not(target_os = "linux"))]
pub fn tune(_app: &tauri::App) -> tauri::Result<()> {
    Ok(())
}
