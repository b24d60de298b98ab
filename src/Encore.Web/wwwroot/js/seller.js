// Seller pages work without JavaScript; this only asks before an action that moves money or cannot be undone.
document.addEventListener("submit", (event) => {
    const message = event.target.getAttribute("data-confirm");
    if (message && !window.confirm(message)) event.preventDefault();
});
