// Timeline webview entry (the d3 app is built here).
document.body.dataset.podIpLens = 'loaded';
