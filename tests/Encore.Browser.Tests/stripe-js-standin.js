// A stand-in for Stripe.js v3 (https://js.stripe.com/v3/), served to the browser tests by Playwright's request
// routing: js.stripe.com cannot be reached from the test machines. It implements only what Encore's glue scripts use
// (Stripe(), elements() without an intent, elements.update(), elements.submit(), the Payment Element,
// createConfirmationToken, handleNextAction) and refuses what real Stripe.js refuses for those calls: a publishable key
// that is not one, elements() without a mode or a currency, an amount that is not a positive integer in mode 'payment',
// an unknown setupFutureUsage, createConfirmationToken before elements.submit() resolved or with elements it did not
// make, a client secret that is not one. createPaymentMethod, the legacy way, is not here.
//
// The buyer "types their card" by choosing a Stripe test PaymentMethod in the mounted <select>; a choice starting with
// "error:" makes createConfirmationToken answer a card error, as Stripe.js does for a mistyped number. Like the Payment
// Element, it shows the "save for future payments" words only while setupFutureUsage is set (by elements() or
// elements.update()). createConfirmationToken makes the token with Stripe's test-mode helper,
// POST https://api.stripe.com/v1/test_helpers/confirmation_tokens (payment_method=pm_card_visa, setup_future_usage),
// which Playwright routes to the fake Stripe (real Stripe.js posts the Element's card to /v1/confirmation_tokens with the
// publishable key instead). handleNextAction asks the test (a fetch to https://api.stripe.com/standin/authenticate, routed
// to the fake Stripe's bank) and resolves as Stripe.js does. Every call is logged in window.__stripeCalls and in
// sessionStorage['__stripeCalls'] (the log survives the page's navigations, so a test reads the whole journey's calls).
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

    // The words Stripe's Payment Element shows under the card when it will be saved for later payments.
    var FUTURE_USAGE = 'By providing your card information, you allow this business to charge your card for future payments in accordance with their terms.';

    function checkOptions(what, opts, creating) {
        if (creating || 'mode' in opts) {
            if (['payment', 'setup', 'subscription'].indexOf(opts.mode) < 0)
                integrationError(what + ': mode must be payment, setup or subscription, got ' + opts.mode);
        }
        if ((creating || 'currency' in opts) && (typeof opts.currency !== 'string' || !/^[a-z]{3}$/.test(opts.currency)))
            integrationError(what + ': currency must be a lowercase three-letter code, got ' + opts.currency);
        if ('setupFutureUsage' in opts && [null, undefined, 'off_session', 'on_session'].indexOf(opts.setupFutureUsage) < 0)
            integrationError(what + ': setupFutureUsage must be off_session or on_session, got ' + opts.setupFutureUsage);
    }

    window.Stripe = function (publishableKey, options) {
        if (!(this instanceof window.Stripe)) return new window.Stripe(publishableKey, options);
        if (typeof publishableKey !== 'string' || !/^pk_(test|live)_/.test(publishableKey))
            integrationError('Invalid value for Stripe(): apiKey should be a publishable key (pk_…), got ' + publishableKey);
        record('Stripe', { publishableKey: publishableKey, options: options || null });
        var stripe = this;
        var createdElements = [];

        stripe.elements = function (elementsOptions) {
            var opts = Object.assign({}, elementsOptions || {});
            record('elements', opts);
            checkOptions('elements()', opts, true);
            var select = null;
            var words = null;
            var submitted = false;

            function checkAmount() {
                if (opts.mode !== 'setup' && !(typeof opts.amount === 'number' && opts.amount > 0 && Math.floor(opts.amount) === opts.amount))
                    integrationError('elements(): amount must be a positive integer in mode ' + opts.mode + ', got ' + opts.amount);
            }
            function showWords() {
                if (words) words.hidden = !opts.setupFutureUsage;
            }
            checkAmount();

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
                            words = document.createElement('p');
                            words.setAttribute('data-testid', 'stripe-standin-future-usage');
                            words.textContent = FUTURE_USAGE;
                            wrapper.appendChild(label);
                            wrapper.appendChild(select);
                            wrapper.appendChild(words);
                            host.appendChild(wrapper);
                            showWords();
                        }
                    };
                },
                update: function (changes) {
                    var c = Object.assign({}, changes || {});
                    record('elements.update', c);
                    checkOptions('elements.update()', c, false);
                    Object.keys(c).forEach(function (key) { opts[key] = c[key]; });
                    checkAmount();
                    submitted = false; // the stand-in wants submit() again after a change, before a token is made
                    showWords();
                },
                submit: function () {
                    record('elements.submit');
                    if (!select) return Promise.resolve({ error: { type: 'validation_error', message: 'The Payment Element is not mounted.' } });
                    submitted = true;
                    return Promise.resolve({});
                },
                _choice: function () { return select ? select.value : null; },
                _submitted: function () { return submitted; },
                _options: function () { return opts; }
            };
            createdElements.push(group);
            return group;
        };

        stripe.createConfirmationToken = function (params) {
            var p = params || {};
            var elements = p.elements;
            record('createConfirmationToken', { withElements: createdElements.indexOf(elements) >= 0, keys: Object.keys(p) });
            if (createdElements.indexOf(elements) < 0) integrationError('createConfirmationToken(): pass the elements this Stripe object created');
            if (!elements._submitted())
                integrationError('elements.submit() must be called and resolve before stripe.createConfirmationToken()');
            var choice = elements._choice();
            if (choice.indexOf('error:') === 0) {
                var error = { type: 'card_error', code: choice.slice(6), message: 'Your card number is incorrect.' };
                record('createConfirmationToken.result', { error: error });
                return Promise.resolve({ error: error });
            }
            var body = 'payment_method=' + encodeURIComponent(choice);
            var setupFutureUsage = elements._options().setupFutureUsage;
            if (setupFutureUsage) body += '&setup_future_usage=' + encodeURIComponent(setupFutureUsage);
            return fetch('https://api.stripe.com/v1/test_helpers/confirmation_tokens', {
                method: 'POST',
                headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
                body: body
            }).then(function (response) { return response.json(); }).then(function (answer) {
                var result = answer.error ? { error: answer.error } : { confirmationToken: answer };
                record('createConfirmationToken.result', result.error
                    ? { error: result.error }
                    : { id: answer.id, setup_future_usage: answer.setup_future_usage, card: answer.payment_method_preview.card.last4 });
                return result;
            });
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
