// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {NectoFixture} from "../../utils/NectoFixture.sol";
import {LocalUSDC} from "../../../src/tokens/LocalUSDC.sol";

/// @notice The local USDC: the behaviours of the real token that the escrow must survive.
contract LocalUSDCTest is NectoFixture {
    bytes32 internal constant PERMIT_TYPEHASH =
        keccak256("Permit(address owner,address spender,uint256 value,uint256 nonce,uint256 deadline)");

    function test_Metadata() public view {
        assertEq(usdc.decimals(), 6);
        assertEq(usdc.symbol(), "USDC");
        assertEq(usdc.admin(), admin);
    }

    /* MINT */

    function test_Mint_FaucetUpToCap() public {
        uint256 cap = usdc.FAUCET_CAP();
        assertEq(cap, 100_000e6);
        vm.prank(stranger);
        usdc.mint(stranger, cap);
        assertEq(usdc.balanceOf(stranger), cap);
    }

    function test_RevertWhen_FaucetMintAboveCap() public {
        vm.expectRevert(
            abi.encodeWithSelector(LocalUSDC.LocalUSDC_FaucetCapExceeded.selector, 100_000e6 + 1, 100_000e6)
        );
        vm.prank(stranger);
        usdc.mint(stranger, 100_000e6 + 1);
    }

    function test_Mint_AdminUncapped() public {
        vm.prank(admin);
        usdc.mint(stranger, 50_000_000e6);
        assertEq(usdc.balanceOf(stranger), 50_000_000e6);
    }

    /// Balances share their slot with the blacklist flag (bit 255), so no mint may carry a balance
    /// into it: the mint must revert, or credit the balance without blacklisting the recipient.
    function test_RevertWhen_MintWouldReachBlacklistBit() public {
        uint256 supply = usdc.totalSupply();
        uint256 amount = (1 << 255) - supply;
        vm.expectRevert(
            abi.encodeWithSelector(LocalUSDC.LocalUSDC_SupplyCapExceeded.selector, supply, amount)
        );
        vm.prank(admin);
        usdc.mint(stranger, amount);

        vm.prank(admin);
        usdc.mint(stranger, amount - 1);
        assertFalse(usdc.isBlacklisted(stranger), "mint blacklisted the recipient");
        assertEq(usdc.balanceOf(stranger), amount - 1);
        assertEq(usdc.totalSupply(), usdc.MAX_SUPPLY());
    }

    /* BLACKLIST */

    function test_SetBlacklisted() public {
        vm.expectEmit(address(usdc));
        emit LocalUSDC.Blacklisted(buyer, true);
        _blacklist(buyer, true);
        assertTrue(usdc.isBlacklisted(buyer));
    }

    function test_RevertWhen_BlacklistedSends() public {
        _blacklist(buyer, true);
        _expectBlacklisted(buyer);
        vm.prank(buyer);
        usdc.transfer(stranger, 1);

        // Nor can an approved spender move its funds.
        _expectBlacklisted(buyer);
        vm.prank(address(market));
        usdc.transferFrom(buyer, stranger, 1);
    }

    function test_RevertWhen_BlacklistedReceives() public {
        _blacklist(stranger, true);
        _expectBlacklisted(stranger);
        vm.prank(buyer);
        usdc.transfer(stranger, 1);

        _expectBlacklisted(stranger);
        vm.prank(admin);
        usdc.mint(stranger, 1);
    }

    function test_RevertWhen_BlacklistedApprovesOrIsApproved() public {
        _blacklist(stranger, true);
        _expectBlacklisted(stranger);
        vm.prank(stranger);
        usdc.approve(buyer, 1);

        _expectBlacklisted(stranger);
        vm.prank(buyer);
        usdc.approve(stranger, 1);
    }

    function test_RevertWhen_BlacklistedSpenderTransfersFrom() public {
        vm.prank(buyer);
        usdc.approve(stranger, 1e6);
        _blacklist(stranger, true);
        _expectBlacklisted(stranger);
        vm.prank(stranger);
        usdc.transferFrom(buyer, seller, 1);
    }

    function test_Blacklist_KeepsBalance() public {
        uint256 balance = usdc.balanceOf(buyer);
        uint256 supply = usdc.totalSupply();
        _blacklist(buyer, true);
        assertEq(usdc.balanceOf(buyer), balance);
        _blacklist(buyer, false);
        assertEq(usdc.balanceOf(buyer), balance);
        assertEq(usdc.totalSupply(), supply);
    }

    function test_Unblacklist_RestoresTransfers() public {
        _blacklist(buyer, true);
        _blacklist(buyer, false);
        vm.prank(buyer);
        usdc.transfer(stranger, 5e6);
        assertEq(usdc.balanceOf(stranger), 5e6);
    }

    /* PAUSE */

    function test_Pause_BlocksTransfersAndUnpauseRestores() public {
        vm.expectEmit(address(usdc));
        emit LocalUSDC.PauseSet(true);
        vm.prank(admin);
        usdc.setPaused(true);
        assertTrue(usdc.paused());

        vm.expectRevert(LocalUSDC.LocalUSDC_Paused.selector);
        vm.prank(buyer);
        usdc.transfer(stranger, 1);
        vm.expectRevert(LocalUSDC.LocalUSDC_Paused.selector);
        vm.prank(admin);
        usdc.mint(stranger, 1);
        vm.expectRevert(LocalUSDC.LocalUSDC_Paused.selector);
        vm.prank(buyer);
        usdc.approve(stranger, 1);

        vm.expectEmit(address(usdc));
        emit LocalUSDC.PauseSet(false);
        vm.prank(admin);
        usdc.setPaused(false);
        vm.prank(buyer);
        usdc.transfer(stranger, 1);
        assertEq(usdc.balanceOf(stranger), 1);
    }

    /* PERMIT */

    function test_Permit() public {
        uint256 deadline = block.timestamp + 1 hours;
        (uint8 v, bytes32 r, bytes32 s) = _signPermit(buyerKey, buyer, stranger, 7e6, 0, deadline);
        usdc.permit(buyer, stranger, 7e6, deadline, v, r, s);

        assertEq(usdc.allowance(buyer, stranger), 7e6);
        assertEq(usdc.nonces(buyer), 1);
        vm.prank(stranger);
        usdc.transferFrom(buyer, stranger, 7e6);
        assertEq(usdc.balanceOf(stranger), 7e6);
    }

    function test_Permit_DomainSeparator() public view {
        bytes32 expected = keccak256(
            abi.encode(
                keccak256(
                    "EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)"
                ),
                keccak256("USD Coin (local)"),
                keccak256("2"), // FiatToken v2 uses version "2"
                block.chainid,
                address(usdc)
            )
        );
        assertEq(usdc.DOMAIN_SEPARATOR(), expected);
    }

    function test_RevertWhen_PermitSignedByOther() public {
        uint256 deadline = block.timestamp + 1 hours;
        (uint8 v, bytes32 r, bytes32 s) = _signPermit(jobKeyPk, buyer, stranger, 7e6, 0, deadline);
        vm.expectRevert(abi.encodeWithSelector(LocalUSDC.ERC2612InvalidSigner.selector, jobKey, buyer));
        usdc.permit(buyer, stranger, 7e6, deadline, v, r, s);
    }

    function test_RevertWhen_PermitExpired() public {
        uint256 deadline = block.timestamp - 1;
        (uint8 v, bytes32 r, bytes32 s) = _signPermit(buyerKey, buyer, stranger, 7e6, 0, deadline);
        vm.expectRevert(abi.encodeWithSelector(LocalUSDC.ERC2612ExpiredSignature.selector, deadline));
        usdc.permit(buyer, stranger, 7e6, deadline, v, r, s);
    }

    /* ADMIN */

    function test_SetAdmin() public {
        vm.expectEmit(address(usdc));
        emit LocalUSDC.AdminChanged(stranger);
        vm.prank(admin);
        usdc.setAdmin(stranger);
        assertEq(usdc.admin(), stranger);

        vm.prank(stranger);
        usdc.setPaused(true);
        _expectNotAdmin(admin);
        vm.prank(admin);
        usdc.setPaused(false);
    }

    function test_RevertWhen_SetBlacklistedCallerNotAdmin() public {
        _expectNotAdmin(stranger);
        vm.prank(stranger);
        usdc.setBlacklisted(buyer, true);
    }

    function test_RevertWhen_SetPausedCallerNotAdmin() public {
        _expectNotAdmin(buyer);
        vm.prank(buyer);
        usdc.setPaused(true);
    }

    function test_RevertWhen_SetAdminCallerNotAdmin() public {
        _expectNotAdmin(stranger);
        vm.prank(stranger);
        usdc.setAdmin(stranger);
    }

    /* HELPERS */

    function _signPermit(
        uint256 pk,
        address owner,
        address spender,
        uint256 value,
        uint256 nonce,
        uint256 deadline
    ) internal view returns (uint8, bytes32, bytes32) {
        bytes32 structHash = keccak256(abi.encode(PERMIT_TYPEHASH, owner, spender, value, nonce, deadline));
        return vm.sign(pk, keccak256(abi.encodePacked("\x19\x01", usdc.DOMAIN_SEPARATOR(), structHash)));
    }

    function _blacklist(address account, bool blacklisted) internal {
        vm.prank(admin);
        usdc.setBlacklisted(account, blacklisted);
    }

    function _expectBlacklisted(address account) internal {
        vm.expectRevert(abi.encodeWithSelector(LocalUSDC.LocalUSDC_Blacklisted.selector, account));
    }

    function _expectNotAdmin(address caller) internal {
        vm.expectRevert(abi.encodeWithSelector(LocalUSDC.LocalUSDC_NotAdmin.selector, caller));
    }
}
