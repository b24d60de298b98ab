// Seller pages work without JavaScript; this only asks before an action that moves money or cannot be undone
// (data-confirm on the form, or on the button that submits it).
document.addEventListener("submit", (event) => {
    const message = event.submitter?.getAttribute("data-confirm") ?? event.target.getAttribute("data-confirm");
    if (message && !window.confirm(message)) event.preventDefault();
});

// A form that holds unsaved work (the funnel editor's draft): once edited, leaving the page asks first, and the
// page says so next to Save; submitting the form itself is the way to keep the edits.
for (const form of document.querySelectorAll("form[data-unsaved-warning]")) {
    let unsaved = false;
    const note = form.querySelector("[data-unsaved-note]");
    const edited = () => { unsaved = true; if (note) note.hidden = false; };
    form.addEventListener("input", edited);
    form.addEventListener("change", edited);
    document.addEventListener("submit", (event) => { if (event.target === form && !event.defaultPrevented) unsaved = false; });
    window.addEventListener("beforeunload", (event) => {
        if (!unsaved) return;
        event.preventDefault();
        event.returnValue = "";
    });
}

// File uploads with progress: the file goes straight to the upload endpoint as multipart/form-data (streamed into the
// file store there), with the page's antiforgery token in a header so the body is never read as a form.
document.addEventListener("submit", (event) => {
    const form = event.target;
    const url = form.getAttribute("data-upload");
    if (!url) return;
    event.preventDefault();
    const progress = form.querySelector("progress");
    const error = form.querySelector(".field-error");
    const token = document.querySelector("input[name=__RequestVerificationToken]");
    const request = new XMLHttpRequest();
    request.open("POST", url);
    if (token) request.setRequestHeader("RequestVerificationToken", token.value);
    request.upload.addEventListener("progress", (e) => {
        if (!e.lengthComputable) return;
        progress.hidden = false;
        progress.value = Math.round((e.loaded / e.total) * 100);
    });
    request.addEventListener("load", () => {
        if (request.status >= 200 && request.status < 300) { window.location.reload(); return; }
        let message = "The upload failed; nothing was saved.";
        try {
            const problem = JSON.parse(request.responseText);
            message = Object.values(problem.errors || {}).flat()[0] || problem.detail || message;
        } catch { /* not JSON */ }
        error.textContent = message;
        error.hidden = false;
        progress.hidden = true;
    });
    request.addEventListener("error", () => { error.textContent = "The connection was lost; nothing was saved. Try again."; error.hidden = false; });
    request.send(new FormData(form));
});
