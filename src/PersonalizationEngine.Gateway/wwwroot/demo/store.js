(function () {
  'use strict';
  var params = new URLSearchParams(location.search);
  var writeKey = params.get('writeKey') || (window.PE_DEMO && window.PE_DEMO.writeKey);
  pe.init({ writeKey: writeKey, host: '' });
  document.getElementById('aid').textContent = pe.anonymousId().slice(0, 8);

  var products = [
    { sku: 'TRAIL-RUN-1', name: 'Trail running shoes', category: 'shoes', brand: 'Stride', price: 89 },
    { sku: 'CITY-SNEAK', name: 'City sneakers', category: 'shoes', brand: 'Stride', price: 65 },
    { sku: 'RAIN-JKT', name: 'Rain jacket', category: 'outerwear', brand: 'Nimbus', price: 120 },
    { sku: 'WOOL-HAT', name: 'Wool hat', category: 'accessories', brand: 'Nimbus', price: 25 },
    { sku: 'TENT-2P', name: 'Two-person tent', category: 'camping', brand: 'Basecamp', price: 240 },
    { sku: 'MUG-STEEL', name: 'Steel camp mug', category: 'camping', brand: 'Basecamp', price: 15 }
  ];
  var cart = [];
  var current = null;

  function status(text) { document.getElementById('status').textContent = text; }

  function render() {
    var root = document.getElementById('products');
    products.forEach(function (p) {
      var el = document.createElement('div');
      el.className = 'product';
      el.innerHTML = '<h4></h4><div class="price"></div>' +
        '<button data-testid="view-' + p.sku + '">View</button><button data-testid="add-' + p.sku + '">Add to cart</button>';
      el.querySelector('h4').textContent = p.name;
      el.querySelector('.price').textContent = '£' + p.price + ' · ' + p.category;
      el.querySelector('[data-testid="view-' + p.sku + '"]').onclick = function () {
        pe.track('Product Viewed', { product_id: p.sku, category: p.category, brand: p.brand, price: p.price });
        status('Viewed ' + p.name);
        refreshOffer();
      };
      el.querySelector('[data-testid="add-' + p.sku + '"]').onclick = function () {
        cart.push(p);
        document.getElementById('cart-count').textContent = cart.length;
        pe.track('Product Added', { product_id: p.sku, category: p.category, brand: p.brand, price: p.price, quantity: 1 });
        status('Added ' + p.name);
        refreshOffer();
      };
      root.appendChild(el);
    });
  }

  function refreshOffer() {
    return pe.offers({ placement: 'home', limit: 1 }).then(function (d) {
      var slot = document.getElementById('offer');
      var offer = d.offers[0];
      current = offer ? { offer: offer, decisionId: d.decisionId } : null;
      slot.dataset.decisionId = d.decisionId;
      slot.dataset.offerId = offer ? offer.offerId : '';
      document.getElementById('offer-title').textContent = offer ? ((offer.creative && offer.creative.title) || offer.name) : 'Nothing for you right now';
      document.getElementById('offer-body').textContent = offer && offer.creative ? (offer.creative.body || '') : '';
      document.getElementById('why-panel').textContent = offer
        ? 'score ' + offer.score + '\n' + offer.reasons.join('\n') + '\ndecision ' + d.decisionId
        : 'no eligible offer';
      if (offer) pe.offerFeedback('impression', offer, d.decisionId, 'home');
    }).catch(function (e) { status(String(e)); });
  }

  document.getElementById('offer-click').onclick = function () {
    if (!current) return;
    pe.offerFeedback('click', current.offer, current.decisionId, 'home');
    status('Clicked ' + current.offer.offerId);
    refreshOffer();
  };
  // "No thanks": the rejection is delivered before the slot asks again, and the contact policy ("no-thanks") keeps
  // that offer out of this visitor's slot from the next decision on.
  document.getElementById('offer-dismiss').onclick = function () {
    if (!current) return;
    var dismissed = current.offer.offerId;
    pe.offerFeedback('reject', current.offer, current.decisionId, 'home');
    status('Dismissed ' + dismissed);
    pe.flush().then(refreshOffer);
  };
  document.getElementById('why').onclick = function () {
    var panel = document.getElementById('why-panel');
    panel.hidden = !panel.hidden;
  };
  // Log in through the store's backend (here a stand-in, /demo/login): it knows the user and returns their id with
  // the proof the engine needs from a browser source (user hash), computed with a secret the page never sees.
  document.getElementById('login').onclick = function () {
    var email = document.getElementById('email').value;
    fetch('/demo/login', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ email: email }) })
      .then(function (res) {
        if (!res.ok) throw new Error('login: HTTP ' + res.status);
        return res.json();
      })
      .then(function (user) {
        pe.identify(user.userId, { email: email }, { userHash: user.userHash, identityHashes: user.identityHashes });
        pe.track('Signed In', {});
        status('Logged in as ' + email + (user.userHash ? ' (verified)' : ' (unverified)'));
        return refreshOffer();
      })
      .catch(function (e) { status(String(e)); });
  };
  document.getElementById('checkout').onclick = function () {
    if (!cart.length) { status('Cart is empty'); return; }
    var total = cart.reduce(function (s, p) { return s + p.price; }, 0);
    pe.track('Order Completed', { order_id: 'o-' + Date.now(), revenue: total, currency: 'GBP',
      products: cart.map(function (p) { return { product_id: p.sku, category: p.category, brand: p.brand, price: p.price, quantity: 1 }; }) });
    cart = [];
    document.getElementById('cart-count').textContent = '0';
    status('Thank you for your order (£' + total + ')');
    refreshOffer();
  };

  render();
  pe.page('Home');
  refreshOffer();
})();
