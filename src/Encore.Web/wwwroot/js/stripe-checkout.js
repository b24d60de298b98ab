// With Stripe as the gateway: the card is typed into Stripe's Payment Element (Stripe's iframe), Stripe.js
// creates a PaymentMethod, and the form posts only its id. No card number reaches Encore. No inline script: CSP.
(function () {
    'use strict';
    var root = document.getElementById('stripe-card');
    var form = document.getElementById('checkout');
    if (!root || !form) return;
    var error = document.getElementById('stripe-card-error');
    if (typeof Stripe !== 'function') {
        // Stripe.js did not load (blocked or offline): there is no card field, so say so and send nothing.
        var unavailable = 'The card form could not be loaded. Please check your connection (or any content blocker) and reload the page.';
        error.textContent = unavailable;
        error.hidden = false;
        form.addEventListener('submit', function (event) {
            event.preventDefault();
            event.stopImmediatePropagation();
            error.textContent = unavailable;
            error.hidden = false;
        }, true);
        return;
    }
    var stripe = Stripe(root.getAttribute('data-publishable-key'));
    var elements = stripe.elements({
        mode: 'setup',
        currency: root.getAttribute('data-currency'),
        paymentMethodCreation: 'manual',
        paymentMethodTypes: ['card']
    });
    elements.create('payment').mount('#stripe-payment-element');
    var hidden = document.getElementById('Input_PaymentMethod');
    var busy = false;

    form.addEventListener('submit', function (event) {
        if (hidden.value) return; // the PaymentMethod exists: let the form go
        event.preventDefault();
        event.stopImmediatePropagation();
        if (busy) return;
        busy = true;
        error.hidden = true;
        elements.submit().then(function (submitted) {
            if (submitted.error) throw submitted.error;
            return stripe.createPaymentMethod({ elements: elements });
        }).then(function (result) {
            if (result.error) throw result.error;
            hidden.value = result.paymentMethod.id;
            form.submit();
        }).catch(function (problem) {
            busy = false;
            error.textContent = (problem && problem.message) || 'The card could not be read. Please check it and try again.';
            error.hidden = false;
        });
    }, true);
})();
