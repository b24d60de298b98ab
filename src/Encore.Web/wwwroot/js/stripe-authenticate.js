// Runs Stripe.js handleNextAction (3-D Secure) for the payment or card setup on this page (it takes a PaymentIntent's
// or a SetupIntent's client secret), then returns to the shop, whose page asks Encore (and Encore asks Stripe) how it
// ended. No inline script: CSP forbids it.
(function () {
    'use strict';
    var root = document.getElementById('stripe-authenticate');
    if (!root || typeof Stripe !== 'function') return;
    var status = document.getElementById('stripe-authenticate-status');
    var back = root.getAttribute('data-return-url') || '/';
    var stripe = Stripe(root.getAttribute('data-publishable-key'));
    stripe.handleNextAction({ clientSecret: root.getAttribute('data-client-secret') }).then(function (result) {
        if (result.error && status) status.textContent = result.error.message || 'The bank did not confirm the payment.';
        window.location.assign(back);
    });
})();
