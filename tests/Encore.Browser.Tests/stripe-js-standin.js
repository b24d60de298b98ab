// A stand-in for Stripe.js v3 (https://js.stripe.com/v3/), served to the browser tests by Playwright's request
// routing: js.stripe.com cannot be reached from the test machines. It implements only what Encore's glue scripts
// use, and refuses what real Stripe.js refuses for those calls (a publishable key that is not one, createPaymentMethod
// with Elements before elements.submit() or without paymentMethodCreation: 'manual', a client secret that is not one).
//
// The buyer "types their card" by choosing a Stripe test PaymentMethod in the mounted <select>; a choice starting
// with "error:" makes createPaymentMethod answer a card error. handleNextAction asks the test (a fetch to
// https://api.stripe.com/standin/authenticate, which Playwright routes to the fake Stripe's bank) and resolves as
// Stripe.js does. Every call is logged in window.__stripeCalls and in sessionStorage['__stripeCalls'] (the log
// survives the page's navigations, so a test reads the whole journey's calls at its end).
(function () {
    'use strict';
    var LOG = '__stripeCalls';
    window[LOG] = [];

    function record(name, detail) {
        var call = { name: name, detail: detail === undefined ? null : JSON.parse(JSON.stringify(detail)), page: location.pathname };
        window[LOG].push(call);
        var all;
        try { all = JSON.parse(sessionStorage.getItem(LOG) || '[]'); } catch (e) { all = []; }
        all.push(call);
        sessionStorage.setItem(LOG, JSON.stringify(all));
    }

    function integrationError(message) {
        record('integration_error', { message: message });
        throw new Error('IntegrationError (Stripe.js stand-in): ' + message);
    }

    var choices = [
        ['pm_card_visa', 'Visa 4242 4242 4242 4242'],
        ['pm_card_mastercard', 'Mastercard 5555 5555 5555 4444'],
        ['pm_card_authenticationRequired', 'Visa 4000 0027 6000 3184 (asks for authentication)'],
        ['pm_card_chargeCustomerFail', 'Visa 4000 0000 0000 0341 (every charge declined)'],
        ['pm_card_chargeDeclined', 'Visa 4000 0000 0000 0002 (declined)'],
        ['error:incorrect_number', 'A mistyped number (Stripe.js refuses it)']
    ];

    window.Stripe = function (publishableKey, options) {
        if (!(this instanceof window.Stripe)) return new window.Stripe(publishableKey, options);
        if (typeof publishableKey !== 'string' || !/^pk_(test|live)_/.test(publishableKey))
            integrationError('Invalid value for Stripe(): apiKey should be a publishable key (pk_…), got ' + publishableKey);
        record('Stripe', { publishableKey: publishableKey, options: options || null });
        var stripe = this;
        var createdElements = [];

        stripe.elements = function (elementsOptions) {
            var opts = elementsOptions || {};
            record('elements', opts);
            var select = null;
            var submitted = false;
            var group = {
                create: function (type, createOptions) {
                    record('create', { type: type, options: createOptions || null });
                    if (type !== 'payment') integrationError('The stand-in only has the Payment Element, not ' + type);
                    return {
                        mount: function (target) {
                            var host = typeof target === 'string' ? document.querySelector(target) : target;
                            record('mount', { selector: typeof target === 'string' ? target : null, found: !!host });
                            if (!host) integrationError('mount(): no element matches ' + target);
                            var wrapper = document.createElement('div');
                            wrapper.setAttribute('data-testid', 'stripe-standin-payment-element');
                            var label = document.createElement('label');
                            label.setAttribute('for', 'stripe-standin-card');
                            label.textContent = 'Card (Stripe.js stand-in)';
                            select = document.createElement('select');
                            select.id = 'stripe-standin-card';
                            choices.forEach(function (c) {
                                var option = document.createElement('option');
                                option.value = c[0];
                                option.textContent = c[1];
                                select.appendChild(option);
                            });
                            // Not a form field of Encore's: like Stripe's iframe, its value is never posted.
                            select.setAttribute('form', 'stripe-standin-no-form');
                            select.addEventListener('change', function () { submitted = false; });
                            wrapper.appendChild(label);
                            wrapper.appendChild(select);
                            host.appendChild(wrapper);
                        }
                    };
                },
                submit: function () {
                    record('elements.submit');
                    if (!select) return Promise.resolve({ error: { type: 'validation_error', message: 'The Payment Element is not mounted.' } });
                    submitted = true;
                    return Promise.resolve({});
                },
                _choice: function () { return select ? select.value : null; },
                _submitted: function () { return submitted; },
                _options: opts
            };
            createdElements.push(group);
            return group;
        };

        stripe.createPaymentMethod = function (params) {
            var p = params || {};
            var elements = p.elements;
            record('createPaymentMethod', { withElements: createdElements.indexOf(elements) >= 0, keys: Object.keys(p) });
            if (createdElements.indexOf(elements) < 0) integrationError('createPaymentMethod(): pass the elements this Stripe object created');
            if (elements._options.paymentMethodCreation !== 'manual')
                integrationError("createPaymentMethod() with Elements needs paymentMethodCreation: 'manual' on stripe.elements()");
            if (!elements._submitted())
                integrationError('elements.submit() must be called and resolve before stripe.createPaymentMethod()');
            var choice = elements._choice();
            if (choice.indexOf('error:') === 0) {
                var error = { type: 'card_error', code: choice.slice(6), message: 'Your card number is incorrect.' };
                record('createPaymentMethod.result', { error: error });
                return Promise.resolve({ error: error });
            }
            record('createPaymentMethod.result', { paymentMethod: choice });
            return Promise.resolve({ paymentMethod: { id: choice, object: 'payment_method', type: 'card' } });
        };

        stripe.handleNextAction = function (params) {
            var secret = params && params.clientSecret;
            record('handleNextAction', { clientSecret: secret });
            // A PaymentIntent's client secret or a SetupIntent's (a card saved without a charge), as Stripe.js takes both.
            if (typeof secret !== 'string' || !/^(pi|seti)_[A-Za-z0-9]+_secret_[A-Za-z0-9]+$/.test(secret))
                integrationError('handleNextAction(): Invalid value for clientSecret: ' + secret);
            // The bank's window: the test decides (the route answers with the PaymentIntent or SetupIntent after the bank's answer).
            return fetch('https://api.stripe.com/standin/authenticate?client_secret=' + encodeURIComponent(secret))
                .then(function (response) { return response.json(); })
                .then(function (answer) {
                    record('handleNextAction.result', answer);
                    return answer;
                });
        };
    };
})();
