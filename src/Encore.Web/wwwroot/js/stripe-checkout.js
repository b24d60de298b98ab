// With Stripe as the gateway: the card is typed into Stripe's Payment Element (Stripe's iframe), Stripe.js makes a
// ConfirmationToken from it, and the form posts only the token's id; Encore confirms the payment with it on the server
// (decision 0007). No card number reaches Encore. No inline script: CSP.
//
// The Element is told what the server will do with this form, and kept in step with it as the buyer ticks boxes: a
// payment of what is due today (mode 'payment', the amount), or, when nothing is due (free trials alone, a new card on
// the manage page), a card setup (mode 'setup'); and setupFutureUsage 'off_session' exactly when the card is kept (for a
// recurring item's renewals, or for the funnel's one-time offers, as the sentence by the Pay button says), which is when
// the Element says it will be saved for future payments.
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

    var total = document.getElementById('total');

    function dueToday() {
        if (!total) return 0; // the manage page: a new card, nothing charged
        var sum = parseInt(total.getAttribute('data-base'), 10);
        form.querySelectorAll('input[data-bump-price]').forEach(function (box) {
            if (box.checked) sum += parseInt(box.getAttribute('data-bump-price'), 10);
        });
        return sum;
    }

    function keepsCard() {
        if (root.getAttribute('data-keeps-card') === 'true') return true;
        return !!form.querySelector('input[data-bump-recurring="true"]:checked');
    }

    // What the Element is for: the same decision CheckoutService makes on the server.
    function intent() {
        var amount = dueToday();
        var keep = keepsCard() ? 'off_session' : null;
        return amount > 0
            ? { mode: 'payment', amount: amount, currency: root.getAttribute('data-currency'), setupFutureUsage: keep }
            : { mode: 'setup', currency: root.getAttribute('data-currency'), setupFutureUsage: 'off_session' };
    }

    var stripe = Stripe(root.getAttribute('data-publishable-key'));
    var options = intent();
    options.paymentMethodTypes = ['card'];
    if (!options.setupFutureUsage) delete options.setupFutureUsage;
    var elements = stripe.elements(options);
    elements.create('payment').mount('#stripe-payment-element');
    var current = JSON.stringify(intent());
    form.addEventListener('change', function (event) {
        if (root.contains(event.target)) return; // the Element's own fields
        var next = intent();
        if (JSON.stringify(next) === current) return;
        current = JSON.stringify(next);
        elements.update(next);
    });

    var hidden = document.getElementById('Input_ConfirmationToken');
    var busy = false;

    form.addEventListener('submit', function (event) {
        if (hidden.value) return; // the ConfirmationToken exists: let the form go
        event.preventDefault();
        event.stopImmediatePropagation();
        if (busy) return;
        busy = true;
        error.hidden = true;
        elements.submit().then(function (submitted) {
            if (submitted.error) throw submitted.error;
            return stripe.createConfirmationToken({ elements: elements });
        }).then(function (result) {
            if (result.error) throw result.error;
            hidden.value = result.confirmationToken.id;
            form.submit();
        }).catch(function (problem) {
            busy = false;
            error.textContent = (problem && problem.message) || 'The card could not be read. Please check it and try again.';
            error.hidden = false;
        });
    }, true);
})();
